/// <reference types="vitest/config" />
// The UI is served by reportsd under /ui/ (http/ui.go): hashed assets in
// /ui/assets/ with long cache headers, every other /ui/ path answers
// index.html so client routes survive a reload. `npm run dev` proxies the
// API, the WebSocket and SSE to a reportsd on 127.0.0.1:8080.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const backend = process.env.REPORTS_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/ui/',
  plugins: [react()],
  build: {
    outDir: 'dist/app',
    emptyOutDir: true,
    assetsDir: 'assets',
    // No inline scripts or data: URLs, so the CSP can stay script-src 'self'.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 900,
    rolldownOptions: {
      output: {
        // ECharts is most of the bundle and changes far less often than
        // the app: a chunk of its own keeps it cached across releases.
        codeSplitting: { groups: [{ name: 'echarts', test: /node_modules[\\/](echarts|zrender)/ }] },
      },
    },
  },
  server: {
    proxy: {
      '/api': backend,
      '/sse': backend,
      '/realtime': { target: backend.replace(/^http/, 'ws'), ws: true },
    },
  },
  test: {
    environment: 'jsdom',
    globals: true,
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    css: false,
  },
});
