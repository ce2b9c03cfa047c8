// The ocauth command line in-process: reports (--json, --junit), exit codes, the real-pool flags
// (--target/--user/--pin/--ca) against a running server, and clear errors for bad flags.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/internal/cli-main.js';
import { startEmbeddedTarget, type EmbeddedTarget } from '../src/index.js';
import { hasTool, runTool } from '../../testing/tools.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ocauth-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ocauth conformance (CLI)', () => {
  it('embedded target: progress lines, the table, --json and --junit; exit 0', async () => {
    const lines: string[] = [];
    const code = await main(
      [
        'conformance',
        '--only',
        '^(EX-4\\.2|HOSTILE-0[12]|OCAUTH-3\\.2-TICKET-05|OCAUTH-3\\.2-CLIENT-01)',
        '--json',
        join(dir, 'r.json'),
        '--junit',
        join(dir, 'r.xml'),
      ],
      (s) => lines.push(s),
    );
    expect(code).toBe(0);
    expect(lines.some((l) => /^\[ 3\/6\] PASS {5}EX-4\.2-01 \(MUST, \d+ ms\)/.test(l))).toBe(true);
    expect(lines.join('\n')).toMatch(/id\s+section\s+level\s+status\s+ms\n-+/);
    expect(lines.join('\n')).toContain('all MUST checks pass');
    const rep = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
    expect(rep.strict).toBe(true);
    expect(rep.results.map((r: { id: string; outcome: string }) => `${r.id}:${r.outcome}`)).toEqual([
      'OCAUTH-3.2-CLIENT-01:client-only',
      'OCAUTH-3.2-TICKET-05:pass',
      'EX-4.2-01:pass',
      'EX-4.2-02:pass',
      'HOSTILE-01-WRONG-PROOF-KEY:pass',
      'HOSTILE-02-EXPIRED-TIMESTAMP:pass',
    ]);
    const junit = readFileSync(join(dir, 'r.xml'), 'utf8');
    expect(junit).toContain('tests="6" failures="0" skipped="1"');
    expect(hasTool('xmllint'), 'xmllint (installed by .ci/run) checks the JUnit file').toBe(true);
    runTool('xmllint', ['--noout', join(dir, 'r.xml')]);
  });

  describe('--target a running (deliberately broken) server with --user/--pin/--ca', () => {
    let t: EmbeddedTarget;
    beforeAll(async () => {
      t = await startEmbeddedTarget({ faults: { skipTimestampCheck: true } });
      writeFileSync(join(dir, 'ca.pem'), t.ca!);
    });
    afterAll(() => t.close());
    it('reports the failures by requirement id in JSON and JUnit and exits 1; no secret in the output', async () => {
      const lines: string[] = [];
      const code = await main(
        [
          'conformance',
          '--target',
          t.baseUrl,
          '--user',
          t.user!,
          '--phone',
          t.phone!,
          '--pin',
          t.pin!,
          '--ca',
          join(dir, 'ca.pem'),
          '--only',
          '^HOSTILE-0[23]',
          '--json',
          join(dir, 'b.json'),
          '--junit',
          join(dir, 'b.xml'),
        ],
        (s) => lines.push(s),
      );
      expect(code).toBe(1);
      const rep = JSON.parse(readFileSync(join(dir, 'b.json'), 'utf8'));
      expect(rep.summary.mustFailures).toEqual(['HOSTILE-02-EXPIRED-TIMESTAMP', 'HOSTILE-03-FUTURE-TIMESTAMP']);
      expect(readFileSync(join(dir, 'b.xml'), 'utf8')).toMatch(
        /name="HOSTILE-02-EXPIRED-TIMESTAMP \(MUST\)"[^>]*><failure message="expired Timestamp: expected no certificate/,
      );
      expect(lines.join('\n')).toContain('MUST failures: HOSTILE-02-EXPIRED-TIMESTAMP, HOSTILE-03-FUTURE-TIMESTAMP');
      expect(lines.join('\n') + readFileSync(join(dir, 'b.json'), 'utf8')).not.toContain(t.pin!);
    });
    it('without credentials the checks that need them are manual, not passed: "3 MUST unchecked", exit 3; --strict exits 1', async () => {
      const lines: string[] = [];
      const args = [
        'conformance',
        '--target',
        t.baseUrl,
        '--ca',
        join(dir, 'ca.pem'),
        '--only',
        '^OCAUTH-3\\.1\\.4\\.1\\.2\\.4-0[1-3]$',
        '--json',
        join(dir, 'c.json'),
      ];
      expect(await main(args, (s) => lines.push(s))).toBe(3);
      const rep = JSON.parse(readFileSync(join(dir, 'c.json'), 'utf8'));
      expect(rep.results.map((r: { outcome: string }) => r.outcome)).toEqual(['manual', 'manual', 'manual']);
      expect(rep.results[0].message).toMatch(/no test user given/);
      expect(lines.join('\n')).not.toContain('all MUST checks pass');
      expect(lines.join('\n')).toContain('3 MUST unchecked: OCAUTH-3.1.4.1.2.4-01, OCAUTH-3.1.4.1.2.4-02, OCAUTH-3.1.4.1.2.4-03');
      lines.length = 0;
      expect(await main([...args, '--strict'], (s) => lines.push(s))).toBe(1);
      expect(lines.join('\n')).toContain('3 MUST unchecked (a failure: strict run)');
    });
  });

  it('bad flags: exit 2 with a message naming the flag, what was expected and what was received', async () => {
    const err: string[] = [];
    expect(
      await main(
        ['conformance', '--target', 'http://pool.contoso.com'],
        () => {},
        (s) => err.push(s),
      ),
    ).toBe(2);
    expect(err.join('\n')).toContain('--target: expected the pool\'s base URL https://HOST[:PORT], received "http://pool.contoso.com"');
    err.length = 0;
    expect(
      await main(
        ['conformance', '--target', 'https://pool.contoso.com', '--user', 'alice'],
        () => {},
        (s) => err.push(s),
      ),
    ).toBe(2);
    expect(err.join('\n')).toContain('--user: expected sip:user@domain, received "alice"');
    err.length = 0;
    expect(
      await main(
        ['conformance', '--pin'],
        () => {},
        (s) => err.push(s),
      ),
    ).toBe(2);
    expect(err.join('\n')).toContain('--pin: expected a value, received nothing');
    err.length = 0;
    writeFileSync(join(dir, 'not.pem'), 'hello');
    expect(
      await main(
        ['conformance', '--target', 'https://pool.contoso.com', '--ca', join(dir, 'not.pem')],
        () => {},
        (s) => err.push(s),
      ),
    ).toBe(2);
    expect(err.join('\n')).toMatch(/--ca .*not\.pem: expected PEM certificates/);
    expect(
      await main(
        ['frobnicate'],
        () => {},
        () => {},
      ),
    ).toBe(2);
    err.length = 0;
    expect(
      await main(
        ['conformance', '--only', 'NOMATCH'],
        () => {},
        (s) => err.push(s),
      ),
    ).toBe(2);
    expect(err.join('\n')).toContain('--only: expected a pattern matching at least one check id, received "NOMATCH"');
    err.length = 0;
    expect(
      await main(
        ['conformance', '--only', '(['],
        () => {},
        (s) => err.push(s),
      ),
    ).toBe(2);
    expect(err.join('\n')).toContain('--only: expected a regular expression');
    err.length = 0;
    expect(
      await main(
        ['conformance', '--strcit', 'yes'],
        () => {},
        (s) => err.push(s),
      ),
    ).toBe(2);
    expect(err.join('\n')).toMatch(/unknown flag --strcit.*did you mean --strict/);
  });
});
