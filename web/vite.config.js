// Four pages, one build: the command-centre map (/), the resident's report
// page (/r/{compound code}), case tracking (/track/{code}) and staff
// sign-in (/login). internal/server/web.go maps the routes to the files.
// File names carry content hashes and nothing else varies between builds,
// so rebuilding unchanged sources leaves web/dist unchanged (scripts/browser-test.sh checks).
import { defineConfig } from 'vite';
import { resolve } from 'node:path';

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      input: {
        index: resolve(import.meta.dirname, 'index.html'),
        resident: resolve(import.meta.dirname, 'resident.html'),
        track: resolve(import.meta.dirname, 'track.html'),
        login: resolve(import.meta.dirname, 'login.html'),
      },
    },
  },
  server: {
    // npm run dev: the API and tiles come from a grid110 serve on :8080.
    proxy: { '/api': 'http://127.0.0.1:8080', '/tiles': 'http://127.0.0.1:8080' },
  },
});
