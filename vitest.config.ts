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
      // ... from policies/, whether or not a dist/pack of an earlier `npm pack` is in the checkout
      // (the tests of the compile cache must compile). test/package runs the installed package
      // without it, so the shipped pack is what it checks with there.
      NHI_GUARD_NO_SHIPPED_PACK: '1',
      NHI_GUARD_NOW: '2026-11-22T00:00:00Z',
      NO_COLOR: '1',
    },
  },
});
