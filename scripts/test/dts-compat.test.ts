// The published .d.ts files must read under the oldest supported TypeScript (5.5): TypeScript ≥ 5.7 emits
// `Uint8Array<ArrayBuffer>` / `Buffer<ArrayBuffer>` for inferred types, which 5.5 refuses (TS2315). A quick
// guard over every built declaration file; release:check type-checks the packed packages with 5.5 itself.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const dists = [...readdirSync(join(repo, 'packages')).map((p) => join(repo, 'packages', p, 'dist')), join(repo, 'conformance', 'dist')].filter((d) =>
  existsSync(d),
);
const dts = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? dts(join(dir, e.name)) : e.name.endsWith('.d.ts') ? [join(dir, e.name)] : []));

describe('declaration files readable by TypeScript 5.5', () => {
  it('no generic typed-array or Buffer type (Uint8Array<…>, Buffer<…>) in any built .d.ts', () => {
    const files = dists.flatMap(dts);
    expect(files.length).toBeGreaterThan(20);
    const bad = files.flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .map((l, i) => [f.slice(repo.length), i + 1, l] as const)
        .filter(([, , l]) => /\b(?:Uint8Array|Buffer|ArrayBufferLike|Uint16Array|Uint32Array)</.test(l))
        .map(([f, n, l]) => `${f}:${n}: ${l.trim()}`),
    );
    expect(bad).toEqual([]);
  });
});
