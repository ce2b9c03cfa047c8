// The command line of engineer B's server (built dist/internal/refserver/cli.js): starts with zero
// setup, prints the URLs and the demo user (never a key), serves over HTTPS, stops on SIGTERM; bad
// flags are refused with exit code 2 and a message naming the flag.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WebTicketClient } from '@ocauth/wstrust';
import { createHttpsFetch } from '../src/internal/refserver/index.js';

const cli = fileURLToPath(new URL('../dist/internal/refserver/cli.js', import.meta.url));
const ready = existsSync(cli) || process.env.CI === 'true';

describe('refserver CLI', () => {
  it.runIf(ready)('bad flags exit 2 naming the flag', () => {
    const r = spawnSync(process.execPath, [cli, '--fault', 'everything'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--fault: expected one of skipSignatureCheck, skipTimestampCheck, acceptAnyPin, received "everything"');
    const p = spawnSync(process.execPath, [cli, '--port', 'x'], { encoding: 'utf8' });
    expect(p.status).toBe(2);
    expect(p.stderr).toContain('--port');
  });

  it.runIf(ready)('config file + flags: prints URL and demo user, never a private key; serves tickets; SIGTERM stops it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocauth-cli-'));
    try {
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ farmFqdn: 'pool.contoso.test', demoUser: { sipUri: 'sip:cli@contoso.test', phone: '+15550123' }, policy: { ticketLifetimeSeconds: 600 } }));
      const child = spawn(process.execPath, [cli, '--config', join(dir, 'config.json'), '--data-dir', join(dir, 'data'), '--demo-pin', '8642', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      await new Promise<void>((resolve, reject) => {
        const t = setInterval(() => { if (out.includes('demo user')) { clearInterval(t); resolve(); } }, 20);
        child.on('exit', (c) => { clearInterval(t); reject(new Error(`exited ${c}`)); });
      });
      const url = /listening on (https:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
      expect(out).toContain('sip:cli@contoso.test');
      expect(out).toContain('PIN 8642');
      expect(out).not.toMatch(/PRIVATE KEY|BEGIN/);
      const ca = readFileSync(join(dir, 'data', 'ca.pem'), 'utf8');
      const f = createHttpsFetch({ ca });
      const t = await new WebTicketClient({ credentials: { type: 'pin', identity: '+15550123', pin: '8642' }, fetch: f }).getTicket(`${url}/CertProv/CertProvisioningService.svc`, `${url}/WebTicket/WebTicketService.svc`);
      f.close();
      expect(t.expires.getTime() - (t.created ?? new Date()).getTime()).toBeLessThanOrEqual(600_000 + 1000);
      const exited = new Promise<number | null>((r) => child.once('exit', r));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
