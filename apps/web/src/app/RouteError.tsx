import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import { useRouteError } from 'react-router';

import { ErrorAlert } from '../components/ErrorAlert.js';

/** Last resort for a screen that failed to load (e.g. a chunk missing after a deploy). */
export function RouteError() {
  const error = useRouteError();
  return (
    <Box sx={{ p: 4, maxWidth: 720, mx: 'auto' }}>
      <Typography variant="h5" gutterBottom>
        This screen could not be shown
      </Typography>
      <ErrorAlert error={error} />
      <Button sx={{ mt: 2 }} variant="outlined" onClick={() => window.location.reload()}>
        Reload
      </Button>
    </Box>
  );
}
