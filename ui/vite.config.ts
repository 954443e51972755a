import { fileURLToPath, URL } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'

// The window loads the built files from the app itself (tauri.conf.json: frontendDist ui/dist);
// `npm run dev` serves them on :5173 for `cargo tauri dev`.
export default defineConfig({
  plugins: [vue()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    // WebKitGTK 2.40+ (Debian 12), Safari 15+ on macOS, WebView2 (Chromium) on Windows.
    target: ['es2021', 'safari15'],
    chunkSizeWarningLimit: 2000,
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.ts'],
  },
})
