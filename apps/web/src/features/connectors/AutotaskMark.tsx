import Box from '@mui/material/Box';

/** A neutral badge for Autotask (no vendor artwork shipped). */
export function AutotaskMark({ size = 36 }: { size?: number }) {
  return (
    <Box
      aria-hidden
      sx={{
        width: size,
        height: size,
        borderRadius: '9px',
        bgcolor: '#0b3a75',
        color: '#fff',
        display: 'grid',
        placeItems: 'center',
        fontWeight: 800,
        fontSize: size * 0.42,
        letterSpacing: '-0.04em',
        flexShrink: 0,
      }}
    >
      AT
    </Box>
  );
}
