import { Navigate } from 'react-router';

import { useMe } from '../api/auth.api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { PageLoading } from './AppLayout.js';
import { paths } from './paths.js';

/** `/` and unknown paths: the first channel's connectors, or sign-in. */
export function RootRedirect() {
  const me = useMe();
  if (me.isPending) return <PageLoading />;
  if (me.isError) return <ErrorAlert error={me.error} sx={{ m: 4 }} />;
  const first = me.data?.channels[0];
  if (!me.data || !first) return <Navigate to={paths.login} replace />;
  return <Navigate to={paths.connectors(first.id)} replace />;
}
