// ocauth's command-line conventions: --help/-h on the root and every command print to stdout and exit 0
// (and run nothing: `fuzz --help` does not fuzz), --version, usage errors on stderr with exit 2 and a
// "did you mean", unknown flags refused; the spec examples missing from the package are an error.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS, main } from '../src/internal/cli-main.js';
import { MissingAssetError, SPEC_EXAMPLES, vectorsRoot } from '../src/internal/assets.js';

const call = async (...argv: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    argv,
    (s) => out.push(s),
    (s) => err.push(s),
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
};
const pkgVersion = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

describe('ocauth CLI conventions', () => {
  it('--help / -h / help on the root print the usage on stdout, exit 0; no command is a usage error', async () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const r = await call(...argv);
      expect(r).toMatchObject({ code: 0, err: '' });
      expect(r.out).toContain('Usage: ocauth <command> [options]');
      for (const c of Object.keys(COMMANDS)) expect(r.out).toContain(`  ${c}`);
    }
    const none = await call();
    expect([none.code, none.out]).toEqual([2, '']);
    expect(none.err).toContain('Usage: ocauth');
  });

  it('--version / -v print the package version', async () => {
    expect(await call('--version')).toEqual({ code: 0, out: pkgVersion, err: '' });
    expect(await call('-v')).toEqual({ code: 0, out: pkgVersion, err: '' });
  });

  it('every command answers --help and -h on stdout with its flags and runs nothing (fuzz --help does not fuzz)', async () => {
    for (const [name, c] of Object.entries(COMMANDS)) {
      for (const h of ['--help', '-h']) {
        const t0 = Date.now();
        const r = await call(name, h);
        expect(r.code, `${name} ${h}`).toBe(0);
        expect(r.err).toBe('');
        expect(r.out.split('\n')[0]).toBe(`Usage: ${c.usage}`);
        for (const f of Object.keys(c.flags)) expect(r.out).toContain(`--${f}`);
        expect(r.out).not.toMatch(/seed \d+, \d+ s|embedded reference target|cases/); // nothing ran
        expect(Date.now() - t0).toBeLessThan(2000);
      }
      expect((await call('help', name)).out).toBe((await call(name, '--help')).out);
    }
    // --help wins over other (even bad) values: it is answered before anything is validated or run
    expect((await call('fuzz', '--seconds', '3600', '--help')).code).toBe(0);
  });

  it('usage errors go to stderr with exit 2, nothing on stdout, and suggest the closest name', async () => {
    const cases: [string[], string][] = [
      [['conformnace'], 'ocauth: unknown command "conformnace" (did you mean conformance?)'],
      [['frobnicate'], 'unknown command "frobnicate"; commands: conformance, doctor, fuzz, vectors'],
      [['doctor', '--verbsoe'], 'ocauth doctor: unknown flag --verbsoe (did you mean --verbose?)'],
      [['conformance', '--tagret', 'https://x'], 'unknown flag --tagret (did you mean --target?)'],
      [['vectors', '--dir'], '--dir: expected a value, received nothing'],
      [['conformance', '--pin', '--password', 'w'], '--pin: expected a value, received another flag'],
      [['conformance', 'extra'], 'unexpected argument "extra"'],
      [['conformance', '--only', '('], '--only: expected a regular expression'],
      [['conformance', '--only', '^NO-SUCH-CHECK$'], '--only: expected a pattern matching at least one check id'],
      [['fuzz', '--seconds', '-3'], '--seconds: expected a positive number of seconds, received "-3"'],
      [['fuzz', '--case', 'x'], '--case: expected a non-negative integer, received "x"'],
      [['doctor', '--device', 'fax'], '--device: expected phone or pc, received "fax"'],
      [['--verison'], 'unknown flag --verison (did you mean --version?)'],
      [['help', 'fuz'], 'unknown command "fuz" (did you mean fuzz?)'],
    ];
    for (const [argv, msg] of cases) {
      const r = await call(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.out, argv.join(' ')).toBe('');
      expect(r.err).toContain(msg);
      expect(r.err).toMatch(/Run "ocauth( \w+)? --help" for usage\./);
    }
  });

  it('vectors runs from any working directory against the shipped vectors (no ENOENT scandir "vectors")', async () => {
    const cwd = process.cwd();
    const dir = mkdtempSync(join(tmpdir(), 'ocauth-cwd-'));
    try {
      process.chdir(dir);
      const r = await call('vectors');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/ok {3}.*psha1\.json: \d+ cases, \d+ replayed/);
    } finally {
      process.chdir(cwd);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('shipped data', () => {
  const root = mkdtempSync(join(tmpdir(), 'ocauth-assets-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  it('a package without the section 4 examples is an error naming what is missing, not "manual"', () => {
    const pkg = join(root, 'pkg');
    mkdirSync(pkg);
    expect(() => vectorsRoot(pkg)).toThrow(MissingAssetError);
    expect(() => vectorsRoot(pkg)).toThrow(/found none \(looked in .*pkg\/vectors\)/);
    mkdirSync(join(pkg, 'vectors', 'spec'), { recursive: true });
    for (const f of SPEC_EXAMPLES.slice(1)) writeFileSync(join(pkg, 'vectors', 'spec', f), '<x/>');
    expect(() => vectorsRoot(pkg)).toThrow(/missing 4\.1-get-and-publish-cert-request\.xml/);
    writeFileSync(join(pkg, 'vectors', 'spec', SPEC_EXAMPLES[0]), '<x/>');
    expect(vectorsRoot(pkg)).toBe(join(pkg, 'vectors'));
  });
});
