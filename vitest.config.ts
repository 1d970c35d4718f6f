import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 300_000,
    pool: 'forks',
    env: {
      // Tests compile into their own cache, never the user's.
      NHI_GUARD_CACHE_DIR: path.resolve('.cache/test-bundles'),
      NHI_GUARD_NOW: '2026-11-22T00:00:00Z',
      NO_COLOR: '1',
    },
  },
});
