// The startup summary names the demo user's Windows account and UPN (the user names for /Auth and NTLM);
// --json carries them in demoUser.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

function firstLines(args: string[], until: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [cli, '--data-dir', mkdtempSync(join(tmpdir(), 'ocauth-cli-')), '--store', 'memory', '--quiet', '--farm-fqdn', 'pool0.contoso.test', ...args],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    const t = setTimeout(() => (child.kill(), reject(new Error(`no summary within 20 s: ${out}`))), 20_000);
    child.stdout.on('data', (c) => {
      out += c;
      if (until.test(out)) {
        clearTimeout(t);
        child.kill('SIGTERM');
        resolve(out);
      }
    });
  });
}

describe.runIf(existsSync(cli) || process.env.CI === 'true')('ocauth-server startup summary', () => {
  it("prints the demo user's account OCAUTH\\demo and UPN demo@<domain>", async () => {
    const out = await firstLines([], /UPN \S+/);
    expect(out).toMatch(/Demo user\s+sip:demo@contoso\.test/);
    expect(out).toContain('account OCAUTH\\demo  UPN demo@contoso.test');
  });
  it('--json carries them in demoUser', async () => {
    const out = await firstLines(['--json'], /\n/);
    expect(JSON.parse(out.split('\n')[0]!).demoUser).toMatchObject({ sipUri: 'sip:demo@contoso.test', account: 'OCAUTH\\demo', upn: 'demo@contoso.test' });
  });
});
