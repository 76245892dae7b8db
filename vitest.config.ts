import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Run tests against the TypeScript sources, no build needed.
    conditions: ['@sanad/source'],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
