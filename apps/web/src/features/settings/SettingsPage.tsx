import Typography from '@mui/material/Typography';

export function SettingsPage() {
  return <Typography>Settings</Typography>;
}
