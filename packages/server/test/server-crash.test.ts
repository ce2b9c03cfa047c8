// No certificate is lost on a crash: the server runs as a child process on SQLite, clients issue
// certificates, the server is killed with SIGKILL mid-load, restarted on the same dataDir, and every
// certificate whose response a client received is in the store (a publish is durable before the
// response is sent: one SQLite transaction, WAL fsynced at COMMIT).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WebTicketClient } from '@ocauth/wstrust';
import { requestCertificate } from '@ocauth/certprov';
import { createHttpsFetch, openStore } from '@ocauth/server';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

interface Started {
  child: ChildProcess;
  info: { url: string; urls: { webTicket: string; certProv: string }; caCertificatePem: string; demoUser: { sipUri: string; phone: string; pin: string } };
}

function startChild(dataDir: string): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, '--data-dir', dataDir, '--json', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const t = setTimeout(() => reject(new Error(`ocauth-server did not start within 20 s: ${err}`)), 20_000);
    child.stderr!.on('data', (c) => (err += c));
    child.stdout!.on('data', (c) => {
      out += c;
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(t);
        if (out.includes('PRIVATE KEY')) reject(new Error('ocauth-server printed a private key'));
        resolve({ child, info: JSON.parse(out.slice(0, nl)) });
      }
    });
    child.on('exit', (code) => reject(new Error(`ocauth-server exited with ${code}: ${err}`)));
  });
}

describe.runIf(existsSync(cli) || process.env.CI === 'true')('crash safety (SQLite, kill -9 mid-load)', () => {
  it('every certificate a client received is in the store after kill -9 and restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ocauth-crash-'));
    const { child, info } = await startChild(dataDir);
    const f = createHttpsFetch({ ca: info.caCertificatePem, timeoutMs: 10_000 });
    const keys = Array.from({ length: 6 }, () => generateKeyPairSync('rsa', { modulusLength: 1024 }));
    const received: string[] = [];
    let failedAfterKill = 0;
    let killed = false;
    const clients = keys.map(async (keyPair) => {
      const wt = new WebTicketClient({
        credentials: { type: 'pin', identity: info.demoUser.phone, pin: info.demoUser.pin },
        fetch: f,
        sipUri: info.demoUser.sipUri,
      });
      while (!killed) {
        try {
          const c = await requestCertificate({
            url: info.urls.certProv,
            sipUri: info.demoUser.sipUri,
            webTicketClient: wt,
            fetch: f,
            keyPair,
            keySizeBits: 1024,
            webTicketUrl: info.urls.webTicket,
          });
          received.push(c.certificate.serialNumber);
        } catch {
          if (!killed) throw new Error('a request failed before the crash');
          failedAfterKill++;
        }
      }
    });
    // Kill once a good number of certificates went out, while requests are in flight.
    while (received.length < 20) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    killed = true;
    await Promise.all(clients);
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
    expect(child.signalCode).toBe('SIGKILL');

    // Restart on the same dataDir: it opens the database and serves again.
    const again = await startChild(dataDir);
    expect(again.info.caCertificatePem).toBe(info.caCertificatePem);
    const f2 = createHttpsFetch({ ca: again.info.caCertificatePem });
    const wt2 = new WebTicketClient({
      credentials: { type: 'pin', identity: again.info.demoUser.phone, pin: again.info.demoUser.pin },
      fetch: f2,
      sipUri: again.info.demoUser.sipUri,
    });
    const after = await requestCertificate({
      url: again.info.urls.certProv,
      sipUri: again.info.demoUser.sipUri,
      webTicketClient: wt2,
      fetch: f2,
      keyPair: keys[0]!,
      webTicketUrl: again.info.urls.webTicket,
    });
    again.child.kill('SIGTERM');
    await new Promise((r) => again.child.once('exit', r));

    const store = await openStore({ kind: 'sqlite' }, dataDir);
    try {
      const missing: string[] = [];
      for (const s of [...received, after.certificate.serialNumber]) if (!(await store.certificates.findBySerial(s))) missing.push(s);
      expect(
        missing,
        `certificates answered to clients but missing after the crash (${received.length} received, ${failedAfterKill} in flight at the kill)`,
      ).toEqual([]);
      expect(await store.certificates.count()).toBeGreaterThanOrEqual(received.length + 1);
    } finally {
      await store.close();
    }
  }, 60_000);
});
