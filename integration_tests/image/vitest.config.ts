/**
 * Vitest config of the container-image suites only (`npm run test:image`, via run-image-tests.sh).
 * Kept apart so `npm test` never needs Docker: the root vitest config excludes integration_tests/image/**.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['integration_tests/image/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // One container suite at a time: the engine runs on vfs and the sandbox is in-process.
    fileParallelism: false,
    sequence: { concurrent: false },
  },
});
