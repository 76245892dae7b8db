import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Run tests against the TypeScript sources, no build needed (tests run in Vite's SSR mode).
  resolve: { conditions: ['@sanad/source', 'module', 'node', 'development|production'] },
  ssr: { resolve: { conditions: ['@sanad/source', 'node', 'development|production'] } },
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
