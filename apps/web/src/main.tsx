import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';

import { onUnauthorized } from './api/client.js';
import { Providers } from './app/Providers.js';
import { createQueryClient } from './app/query-client.js';
import { createAppRouter } from './app/router.js';

const queryClient = createQueryClient();
const router = createAppRouter();

// A session that expired mid-use: forget what we knew and ask to sign in again.
onUnauthorized(() => {
  queryClient.setQueryData(['me'], null);
  if (!window.location.pathname.startsWith('/login')) {
    void router.navigate(
      `/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`,
    );
  }
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <Providers client={queryClient}>
      <RouterProvider router={router} />
    </Providers>
  </StrictMode>,
);
