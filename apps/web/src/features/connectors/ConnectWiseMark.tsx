import Box from '@mui/material/Box';

/** A neutral badge for ConnectWise PSA (no vendor artwork shipped). */
export function ConnectWiseMark({ size = 36 }: { size?: number }) {
  return (
    <Box
      aria-hidden
      sx={{
        width: size,
        height: size,
        borderRadius: '9px',
        bgcolor: '#1a5f3c',
        color: '#fff',
        display: 'grid',
        placeItems: 'center',
        fontWeight: 800,
        fontSize: size * 0.42,
        letterSpacing: '-0.04em',
        flexShrink: 0,
      }}
    >
      CW
    </Box>
  );
}
