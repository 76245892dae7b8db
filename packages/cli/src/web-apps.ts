/**
 * The built web apps (`pnpm build:web`), found through their workspace packages so the CLI
 * serves them from wherever it is installed. Not built: the services run without them.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type WebApp = '@sanad/wallet-web' | '@sanad/verifier-web';

/** How to build them, for messages. */
export const BUILD_WEB_HINT =
  'build them with `npx --yes pnpm@10.34.9 build:web` (in the checkout)';

/** The app's `dist` folder (absolute), or undefined when it is not installed or not built. */
export function builtWebApp(app: WebApp): string | undefined {
  let manifest: string;
  try {
    manifest = createRequire(import.meta.url).resolve(`${app}/package.json`);
  } catch {
    return undefined;
  }
  const dist = join(dirname(manifest), 'dist');
  return existsSync(join(dist, 'index.html')) ? dist : undefined;
}
