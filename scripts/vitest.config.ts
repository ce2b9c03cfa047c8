import { defineConfig } from 'vitest/config';

// Repository-level checks (release:check): they run the built packages, never their sources.
export default defineConfig({
  test: { name: 'release', include: ['test/**/*.test.ts'], testTimeout: 600_000, hookTimeout: 60_000 },
});
