import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'integration_tests/**/*.test.ts'],
    // Image tests need a Docker engine: `npm run test:image` runs them with their own config.
    exclude: ['integration_tests/image/**', 'node_modules/**', 'dist/**'],
    // Property tests (fast-check) draw from a fixed seed.
    setupFiles: ['test/setup/fast-check-seed.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Acceptance tests start child processes; two cores do not gain from more parallel files.
    maxWorkers: 2,
  },
});
