// `pnpm bench` loads every packages/*/bench/*.bench.mjs (and conformance/bench) as a module whose default export
// returns rows; CI does not run the benchmarks (they need a quiet machine), so this guard keeps them loadable:
// one import error (an export that moved) or a standalone script named *.bench.mjs stops the whole run. Importing
// does no measuring (every module works only when its default export is called).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const dirs = [...readdirSync(join(repo, 'packages')).map((p) => join(repo, 'packages', p, 'bench')), join(repo, 'conformance', 'bench')].filter((d) =>
  existsSync(d),
);
const modules = dirs.flatMap((d) =>
  readdirSync(d)
    .filter((f) => f.endsWith('.bench.mjs'))
    .map((f) => join(d, f)),
);

describe('bench modules (pnpm bench)', () => {
  it('there are bench modules to check', () => {
    expect(modules.length).toBeGreaterThanOrEqual(8);
  });
  for (const file of modules) {
    // In a plain Node process: Node's ESM loader refuses a missing named export, which vitest's transform
    // would turn into undefined.
    it(`${file.slice(repo.length)} imports and exports a default bench function`, () => {
      const script = `import(${JSON.stringify(pathToFileURL(file).href)}).then((m) => console.log(typeof m.default), (e) => console.log('import failed: ' + e.message))`;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repo, encoding: 'utf8', timeout: 60_000 });
      expect(r.stdout.trim()).toBe('function');
    });
  }
});
