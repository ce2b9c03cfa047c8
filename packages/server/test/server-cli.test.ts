// ocauth-server's command line: --help/--version to stdout with exit 0, usage errors to stderr with
// exit 2 and a "did you mean", and config files whose unknown keys are refused with their path.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkConfigKeys, configFromArgs, HELP, SERVER_FLAGS } from '../src/cli.js';
import { parseCli, suggest, UsageError } from '../src/cli-args.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 20_000 });
const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

describe('shared argument parser (cli-args)', () => {
  it('refuses unknown flags with a suggestion, missing and flag-like values, stray positionals', () => {
    const specs = { port: { type: 'string', help: 'p' }, pin: { type: 'string', help: 'x', secret: true }, json: { type: 'boolean', help: 'j' } } as const;
    expect(() => parseCli(['--prot', '1'], specs)).toThrow(/unknown flag --prot \(did you mean --port\?\)/);
    expect(() => parseCli(['--zzzzzz'], specs)).toThrow(/^unknown flag --zzzzzz$/);
    expect(() => parseCli(['--port'], specs)).toThrow('--port: expected a value, received nothing');
    expect(() => parseCli(['--pin', '--json'], specs)).toThrow('--pin: expected a value, received another flag');
    expect(() => parseCli(['--port', '--json'], specs)).toThrow('--port: expected a value, received "--json"');
    expect(() => parseCli(['--json=yes'], specs)).toThrow('--json: expected no value, received "yes"');
    expect(() => parseCli(['extra'], specs)).toThrow('unexpected argument "extra"');
    expect(() => parseCli(['extra'], specs)).toThrow(UsageError);
    expect(parseCli(['--port=8443', '--json', '-h'], specs)).toEqual({ values: { port: '8443', json: true }, positionals: [], help: true });
    expect(parseCli(['a', '--', '--b'], specs, { positionals: true }).positionals).toEqual(['a', '--b']);
    expect(suggest('farmFQDN', ['host', 'farmFqdn', 'farm'])).toBe('farmFqdn');
    expect(suggest('conformnace', ['conformance', 'doctor'])).toBe('conformance');
    expect(suggest('xyz', ['conformance', 'doctor'])).toBeUndefined();
  });

  it('lists every declared flag in the help', () => {
    for (const name of Object.keys(SERVER_FLAGS)) expect(HELP).toContain(`--${name}`);
    expect(HELP).toContain('-h, --help');
  });
});

describe('ocauth-server config file keys', () => {
  it('unknown keys are refused with their path and the closest known key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocauth-cfgkeys-'));
    const file = join(dir, 's.json');
    writeFileSync(file, JSON.stringify({ farmFQDN: 'pool.contoso.test' }));
    expect(() => configFromArgs(['-c', file])).toThrow(/unknown key farmFQDN \(did you mean farmFqdn\?\)/);
    expect(() => checkConfigKeys({ policy: { minKeysize: 1 } })).toThrow(/unknown key policy\.minKeysize \(did you mean policy\.minKeySize\?\)/);
    expect(() => checkConfigKeys({ users: [{ sipUri: 'sip:a@b' }, { sipUri: 'sip:c@d', pni: '1' }] })).toThrow(
      /unknown key users\[1\]\.pni \(did you mean users\[1\]\.pin\?\)/,
    );
    expect(() => checkConfigKeys({ faults: { acceptAnyPIN: true } })).toThrow(/faults\.acceptAnyPin/);
    expect(() => checkConfigKeys({ logger: false })).toThrow(/unknown key logger/);
    expect(() =>
      checkConfigKeys({
        host: '127.0.0.1',
        port: 1,
        farmFqdn: 'a',
        sip: { fqdn: 'a', port: 5061 },
        store: { kind: 'postgres', url: 'x', poolSize: 2 },
        users: [{ sipUri: 'sip:a@b', pin: '1', phones: ['1'] }],
        policy: { minKeySize: 2048 },
        limits: { maxBodyBytes: 1 },
        faults: { acceptAnyPin: true },
      }),
    ).not.toThrow();
  });
});

describe.runIf(process.env.CI === 'true' || spawnSync('test', ['-f', cli]).status === 0)('ocauth-server process', () => {
  it('--help and -h print the usage to stdout and exit 0; --version prints the package version', () => {
    for (const h of ['--help', '-h']) {
      const r = run(h);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('Usage: ocauth-server [options]');
      expect(r.stderr).toBe('');
    }
    const v = run('--version');
    expect([v.status, v.stdout]).toEqual([0, `${version}\n`]);
  });

  it('usage errors go to stderr with exit 2 and nothing on stdout', () => {
    for (const [args, msg] of [
      [['--prot', '1'], 'unknown flag --prot (did you mean --port?)'],
      [['--port'], '--port: expected a value'],
      [['serve'], 'unexpected argument "serve"'],
      [['--port', 'x'], '--port: expected a non-negative integer'],
    ] as const) {
      const r = run(...args);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(msg);
    }
  });
});
