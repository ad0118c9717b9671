import Link from '@mui/material/Link';

export const mainContentId = 'main-content';

/**
 * The first tab stop on every page: jumps past the app bar and the Control Panel navigation.
 * Off screen until focused, so mouse users never see it.
 */
export function SkipLink() {
  return (
    <Link
      href={`#${mainContentId}`}
      onClick={(event) => {
        // The router owns the URL: move focus without adding a hash to it.
        event.preventDefault();
        document.getElementById(mainContentId)?.focus();
      }}
      sx={{
        position: 'fixed',
        top: 8,
        left: 8,
        zIndex: (t) => t.zIndex.tooltip + 1,
        px: 2,
        py: 1,
        borderRadius: 1,
        bgcolor: 'background.paper',
        color: 'primary.dark',
        fontWeight: 600,
        boxShadow: 3,
        transform: 'translateY(-200%)',
        '&:focus-visible, &:focus': { transform: 'none' },
      }}
    >
      Skip to main content
    </Link>
  );
}
