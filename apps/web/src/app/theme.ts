import { createTheme } from '@mui/material/styles';

const floatingShadow = '0 12px 32px rgba(15,23,42,0.14), 0 2px 6px rgba(15,23,42,0.08)';

/** One calm, high-contrast admin theme: indigo accents on a light grey canvas, white cards. */
export const theme = createTheme({
  palette: {
    mode: 'light',
    primary: { main: '#4f46e5', dark: '#3730a3', light: '#818cf8', contrastText: '#ffffff' },
    // Filled chips put white text on `main`: every `main` below keeps that at WCAG AA (>= 4.5:1).
    secondary: { main: '#0369a1', contrastText: '#ffffff' },
    success: { main: '#15803d', light: '#dcfce7', dark: '#166534', contrastText: '#ffffff' },
    warning: { main: '#b45309', light: '#fef3c7', dark: '#92400e', contrastText: '#ffffff' },
    error: { main: '#dc2626', light: '#fee2e2', dark: '#991b1b' },
    info: { main: '#2563eb', light: '#dbeafe' },
    background: { default: '#f5f6fa', paper: '#ffffff' },
    text: { primary: '#0f172a', secondary: '#475569' },
    divider: '#e2e8f0',
  },
  shape: { borderRadius: 10 },
  typography: {
    fontFamily: '"Inter", "Segoe UI", system-ui, -apple-system, Roboto, "Helvetica Neue", Arial, sans-serif',
    h4: { fontWeight: 700, fontSize: '1.6rem', letterSpacing: '-0.01em' },
    h5: { fontWeight: 700, fontSize: '1.3rem' },
    h6: { fontWeight: 600, fontSize: '1.05rem' },
    subtitle1: { fontWeight: 600 },
    subtitle2: { fontWeight: 600, color: '#475569' },
    button: { fontWeight: 600, letterSpacing: '0.03em' },
  },
  components: {
    MuiButton: { defaultProps: { disableElevation: true } },
    MuiPaper: {
      defaultProps: { elevation: 0 },
      styleOverrides: { outlined: { borderColor: '#e2e8f0' } },
    },
    MuiCard: { defaultProps: { variant: 'outlined' } },
    // Flat cards on the page, but anything that floats above it (lists, menus, dialogs) casts a shadow.
    MuiAutocomplete: {
      styleOverrides: {
        paper: { boxShadow: floatingShadow, border: '1px solid #e2e8f0', marginTop: 4 },
        option: { borderRadius: 6, margin: '0 6px' },
      },
    },
    MuiPopover: { styleOverrides: { paper: { boxShadow: floatingShadow, border: '1px solid #e2e8f0' } } },
    MuiDialog: { styleOverrides: { paper: { boxShadow: '0 24px 64px rgba(15,23,42,0.24)' } } },
    MuiAppBar: { defaultProps: { elevation: 0 } },
    MuiTableCell: {
      styleOverrides: {
        head: {
          fontWeight: 600,
          fontSize: '0.75rem',
          textTransform: 'uppercase',
          letterSpacing: '0.04em',
          color: '#475569',
          backgroundColor: '#f8fafc',
        },
      },
    },
    MuiChip: { styleOverrides: { root: { fontWeight: 600 } } },
    MuiTooltip: { defaultProps: { arrow: true } },
    MuiDialogTitle: { styleOverrides: { root: { fontWeight: 700 } } },
    MuiLink: { defaultProps: { underline: 'hover' } },
  },
});
