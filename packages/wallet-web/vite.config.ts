import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vite';
import { precompress } from '../../scripts/vite-precompress.js';
import { appShell } from './scripts/app-shell.js';

/**
 * Writes the build's file list and hash into the service worker (`sw.js`, kept at the root so its
 * scope is the whole app). A dozen lines instead of Workbox: the worker stays readable and small.
 */
function precache(): Plugin {
  return {
    name: 'sanad-precache',
    apply: 'build',
    // After the HTML plugin, so index.html is in the bundle too.
    enforce: 'post',
    generateBundle(_options, bundle) {
      const publicDir = new URL('public/', import.meta.url);
      const files = [...Object.keys(bundle), ...readdirSync(publicDir)]
        .filter((name) => name !== 'sw.js' && !name.endsWith('.map'))
        .sort();
      const build = createHash('sha256');
      for (const name of files) {
        const item = bundle[name];
        build
          .update(name)
          .update(
            item === undefined
              ? readFileSync(new URL(name, publicDir))
              : item.type === 'chunk'
                ? item.code
                : item.source,
          );
      }
      const worker = bundle['sw.js'];
      if (worker?.type !== 'chunk') throw new Error('sw.js was not built');
      worker.code = worker.code
        .replace(/([`"'])__SANAD_PRECACHE__\1/, JSON.stringify(JSON.stringify(files)))
        .replace('__SANAD_BUILD__', build.digest('hex').slice(0, 16));
    },
  };
}

export default defineConfig({
  // Relative URLs: the app works from any path (/, /wallet/, a file server's folder).
  base: './',
  resolve: { conditions: ['@sanad/source', 'browser', 'module', 'import', 'default'] },
  plugins: [appShell(), precache(), precompress()],
  build: {
    target: 'es2022',
    sourcemap: true,
    // The protocol libraries are most of the weight, in the chunk the first screen does not wait for.
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      input: { app: 'index.html', sw: 'src/sw.ts' },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
});
