// No certificate is lost on a crash: a server process (the built refserver, SQLite in dataDir) is
// killed with SIGKILL while clients are provisioning certificates; after a restart on the same
// dataDir every certificate a client received is in the store and still validates.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WebTicketClient } from '@ocauth/wstrust';
import { requestCertificate, storeCertificateValidator } from '@ocauth/certprov';
import { createHttpsFetch, startServer } from '../src/internal/refserver/index.js';

const built = fileURLToPath(new URL('../dist/internal/refserver/index.js', import.meta.url));
const DEMO = { sipUri: 'sip:crash@contoso.test', pin: '246810', password: 'pw-crash', phone: '+15550999' };

function startChild(dataDir: string): Promise<{ child: ChildProcess; url: string; ca: string }> {
  const code = `import { startServer } from ${JSON.stringify(built)};
const s = await startServer({ dataDir: process.argv[1], farmFqdn: 'pool.contoso.test', demoUser: ${JSON.stringify(DEMO)}, logger: false });
process.stdout.write(JSON.stringify({ url: s.url, ca: s.caCertificatePem }) + '\\n');`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '', err = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ child, ...(JSON.parse(out.slice(0, nl)) as { url: string; ca: string }) });
    });
    child.stderr!.on('data', (d) => (err += d));
    child.on('exit', (c) => reject(new Error(`server process exited with ${c}: ${err.slice(0, 500)}`)));
  });
}

describe('kill -9 during provisioning (SQLite)', () => {
  const ready = existsSync(built);
  it.runIf(ready || process.env.CI === 'true')('every certificate a client received survives SIGKILL and restart', async () => {
    expect(existsSync(built), `${built} (run the package build first)`).toBe(true);
    const dataDir = mkdtempSync(join(tmpdir(), 'ocauth-crash-'));
    try {
      const { child, url, ca } = await startChild(dataDir);
      const f = createHttpsFetch({ ca, timeoutMs: 10_000 });
      const received: string[] = [];
      let stop = false;
      const worker = async () => {
        const wt = new WebTicketClient({ credentials: { type: 'pin', identity: DEMO.phone, pin: DEMO.pin }, fetch: f });
        while (!stop) {
          try {
            const c = await requestCertificate({ url: `${url}/CertProv/CertProvisioningService.svc`, sipUri: DEMO.sipUri, webTicketClient: wt, webTicketUrl: `${url}/WebTicket/WebTicketService.svc`, fetch: f, keySizeBits: 1024 });
            received.push(c.certificate.serialNumber);
          } catch {
            // the connection dies with the process: that request was never acknowledged
          }
        }
      };
      const workers = Array.from({ length: 4 }, worker);
      while (received.length < 12) await new Promise((r) => setTimeout(r, 20));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      stop = true;
      await Promise.all(workers);
      f.close();
      const acknowledged = [...received];
      expect(acknowledged.length).toBeGreaterThanOrEqual(12);
      const s = await startServer({ dataDir, farmFqdn: 'pool.contoso.test', demoUser: false, logger: false });
      try {
        const validator = storeCertificateValidator(s.store.certificates);
        for (const serial of acknowledged) {
          const stored = await s.store.certificates.findBySerial(serial);
          expect(stored, `certificate ${serial} acknowledged before the crash`).toBeDefined();
        }
        // each request used a fresh DeviceId, so none superseded another: all still valid
        const all = await s.store.certificates.listForEntity(DEMO.sipUri);
        expect(all.length).toBeGreaterThanOrEqual(acknowledged.length);
        const { X509Certificate } = await import('node:crypto');
        expect(await validator.validate(new X509Certificate(all.find((c) => c.serialNumber === acknowledged[0])!.der))).toEqual({ sipUri: DEMO.sipUri });
      } finally {
        await s.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
