// Shared vitest settings: workspace packages resolve to their TypeScript sources,
// so tests never depend on a stale dist/ of a sibling package.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

export function ocauthConfig(name: string, extra: { testTimeout?: number } = {}) {
  return defineConfig({
    resolve: {
      alias: [
        { find: /^@ocauth\/(psha1|c14n|wstrust|certprov|authbroker|diagnostics|server)$/, replacement: `${root}packages/$1/src/index.ts` },
        { find: /^@ocauth\/server\/cli-args$/, replacement: `${root}packages/server/src/cli-args.ts` },
        { find: /^@ocauth\/conformance$/, replacement: `${root}conformance/src/index.ts` },
      ],
    },
    test: {
      name,
      include: ['test/**/*.test.ts'],
      testTimeout: extra.testTimeout ?? 20_000,
      hookTimeout: 60_000,
    },
  });
}
