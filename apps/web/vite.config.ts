import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console is served by the Fastify server from dist/ (SPA fallback). In development Vite
// proxies /api to the server. Each route is a React.lazy chunk (see src/app/router.tsx), so the
// first load carries only the shell and the sign-in page.
export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 800,
  },
});
