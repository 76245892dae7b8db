import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { defineConfig, type Plugin, type Rolldown } from 'vite';
import { dropContextFiles } from '../../scripts/vite-drop-context-files.js';
import { precompress } from '../../scripts/vite-precompress.js';
import { appShell } from './scripts/app-shell.js';

/**
 * Chunks only the W3C Data Integrity code loads (`ldp_vc`: JSON-LD, RDF canonicalisation, the
 * suites), about a fifth of the app, and the X.509 code a certified verifier's request or an
 * `x5c` issuer needs: what a holder without such a credential or verifier never runs.
 */
const ON_DEMAND_IMPORTERS =
  /\/packages\/(core\/src\/formats\/ldp-vc\/|openid4vc\/src\/callbacks\.ts$|core\/src\/trust-list\/trust-list\.ts$)/;

/**
 * The chunks reached only through dynamic imports made by {@link ON_DEMAND_IMPORTERS}: not in the
 * first download, cached by the worker when first used.
 */
function onDemandChunks(
  bundle: Rolldown.OutputBundle,
  dynamicImportsOf: (moduleId: string) => readonly string[],
): Set<string> {
  const chunks = Object.values(bundle).filter((item) => item.type === 'chunk');
  const chunkOf = new Map(chunks.flatMap((c) => c.moduleIds.map((id) => [id, c.fileName])));
  const roots = new Set<string>();
  for (const chunk of chunks)
    for (const id of chunk.moduleIds)
      if (ON_DEMAND_IMPORTERS.test(id))
        for (const target of dynamicImportsOf(id)) {
          const file = chunkOf.get(target);
          if (file !== undefined && file !== chunk.fileName) roots.add(file);
        }
  // What the app reaches without passing through a root stays in the first download.
  const eager = new Set<string>();
  const visit = (file: string): void => {
    if (eager.has(file) || roots.has(file)) return;
    eager.add(file);
    const chunk = bundle[file];
    if (chunk?.type === 'chunk')
      for (const next of [...chunk.imports, ...chunk.dynamicImports]) visit(next);
  };
  for (const chunk of chunks) if (chunk.isEntry) visit(chunk.fileName);
  return new Set(chunks.map((c) => c.fileName).filter((file) => !eager.has(file)));
}

/**
 * Writes the build's file lists and hash into the service worker (`sw.js`, kept at the root so its
 * scope is the whole app). A few dozen lines instead of Workbox: the worker stays readable and small.
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
      const onDemand = onDemandChunks(
        bundle,
        (id) => this.getModuleInfo(id)?.dynamicallyImportedIds ?? [],
      );
      const worker = bundle['sw.js'];
      if (worker?.type !== 'chunk') throw new Error('sw.js was not built');
      worker.code = worker.code
        .replace(
          /([`"'])__SANAD_PRECACHE__\1/,
          JSON.stringify(JSON.stringify(files.filter((file) => !onDemand.has(file)))),
        )
        .replace(/([`"'])__SANAD_ON_DEMAND__\1/, JSON.stringify(JSON.stringify([...onDemand])))
        .replace('__SANAD_BUILD__', build.digest('hex').slice(0, 16));
    },
  };
}

export default defineConfig({
  // Relative URLs: the app works from any path (/, /wallet/, a file server's folder).
  base: './',
  resolve: { conditions: ['@sanad/source', 'browser', 'module', 'import', 'default'] },
  plugins: [appShell(), dropContextFiles(), precache(), precompress()],
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
