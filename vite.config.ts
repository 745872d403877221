import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The web app lives in apps/web; the server (apps/server) serves the built files from
// apps/web/dist and answers /trpc. In development Vite serves the app and forwards /trpc to a
// server started beside it (`steper serve --port 5174`).
const apiPort = Number(process.env.STEPER_API_PORT ?? 5174);

export default defineConfig({
  root: 'apps/web',
  // The demo student and index live in the top-level public/ (DESIGN.md §3).
  publicDir: '../../public',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4096,
  },
  server: {
    port: 5173,
    strictPort: true,
    // As the server sends them (apps/server/src/http/server.ts): multi-threaded WebAssembly.
    headers: {
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
    },
    proxy: { '/trpc': { target: `http://127.0.0.1:${apiPort}`, changeOrigin: false } },
  },
});
