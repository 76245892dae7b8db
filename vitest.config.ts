import { defineConfig } from 'vitest/config';
import { patient } from './test/support/patience.js';

export default defineConfig({
  // Run tests against the TypeScript sources, no build needed (tests run in Vite's SSR mode).
  resolve: { conditions: ['@sanad/source', 'module', 'node', 'development|production'] },
  ssr: { resolve: { conditions: ['@sanad/source', 'node', 'development|production'] } },
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
    // The CLI wallet speaks the locale's language: tests (and the CLIs they spawn) start in English
    // on any machine, and set LANG or --lang where they test another. The services' JSON logs stay
    // quiet; a test that reads them gives its own level and destination.
    env: { LANG: 'C.UTF-8', LC_ALL: '', LC_MESSAGES: '', SANAD_LOG_LEVEL: 'silent' },
    // Limits only catch a hang, scaled for a busy machine (test/support/patience.ts).
    testTimeout: patient(60_000),
    hookTimeout: patient(60_000),
  },
});
