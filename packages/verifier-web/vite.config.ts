import { defineConfig } from 'vite';
import { dropContextFiles } from '../../scripts/vite-drop-context-files.js';
import { precompress } from '../../scripts/vite-precompress.js';

export default defineConfig({
  // Relative URLs: the verifier service serves the page under /desk/ (or under a proxy's path).
  base: './',
  resolve: { conditions: ['@sanad/source', 'browser', 'module', 'import', 'default'] },
  plugins: [dropContextFiles(), precompress()],
  build: { target: 'es2022', sourcemap: true },
});
