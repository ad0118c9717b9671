import Typography from '@mui/material/Typography';

export function SyncPage() {
  return <Typography>Sync</Typography>;
}
