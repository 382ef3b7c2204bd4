import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  plugins: [
    react(),
    // The app shell is precached by a service worker, so the app opens with no network once loaded;
    // interviews themselves live in IndexedDB. /api is never cached by the worker.
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: 'script',
      manifest: {
        name: 'mdsurvey fieldwork',
        short_name: 'mdsurvey',
        description: 'Household interviews for migration and development surveys, offline first',
        theme_color: '#14532d',
        background_color: '#f7f7f5',
        display: 'standalone',
        start_url: '/fieldwork',
        icons: [],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api\//],
        maximumFileSizeToCacheInBytes: 5 * 1024 * 1024,
      },
    }),
  ],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 2000 },
  server: {
    port: 5173,
    proxy: { '/api': { target: process.env.MDSURVEY_API ?? 'http://localhost:8080', changeOrigin: false } },
  },
});
