// ocauth doctor on the wrong kind of port and without a trust anchor: a plain-HTTP listener is named as
// such (not raw OpenSSL text), and a TLS step that could not verify the chain says "not verified".
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDoctorStep, runDoctor } from '../src/internal/doctor.js';
import { startEmbeddedTarget, type EmbeddedTarget } from '../src/index.js';

let http: Server;
let t: EmbeddedTarget;
beforeAll(async () => {
  http = createServer((_req, res) => res.end('hello'));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  t = await startEmbeddedTarget();
});
afterAll(async () => {
  await new Promise((r) => http.close(r));
  await t.close();
});

describe('ocauth doctor transport diagnosis', () => {
  it('a plain-HTTP port: "this port speaks plain HTTP, not TLS", with the HTTPS remedy', async () => {
    const port = (http.address() as AddressInfo).port;
    const rep = await runDoctor({ target: { baseUrl: `https://127.0.0.1:${port}` } });
    const s = rep.steps[0]!;
    expect([s.name, s.ok, rep.ok]).toEqual(['tls', false, false]);
    expect(s.summary).toMatch(/^this port speaks plain HTTP, not TLS: 127\.0\.0\.1:\d+ answered an HTTP request with "HTTP\/1\.1 200 OK"/);
    expect(s.findings.map((f) => f.id)).toEqual(['transport.ERR_DOCTOR_PLAIN_HTTP']);
    const text = formatDoctorStep(s);
    expect(text).toContain('This port speaks plain HTTP, not TLS');
    expect(text).toMatch(/HTTPS port/);
    expect(text).not.toMatch(/rejected its input|wrong version number/i);
  });

  it('without --ca the TLS step is "not verified" (WARN), not OK; with --ca it is OK', async () => {
    const without = await runDoctor({ target: { baseUrl: t.baseUrl } });
    const s = without.steps[0]!;
    expect([s.name, s.ok]).toEqual(['tls', true]);
    expect(s.warning).toMatch(/^not verified: no --ca given/);
    expect(formatDoctorStep(s)).toMatch(/^WARN tls .*not verified: no --ca given/);
    const withCa = await runDoctor({ target: { baseUrl: t.baseUrl, ca: t.ca! } });
    expect(withCa.steps[0]!.warning).toBeUndefined();
    expect(formatDoctorStep(withCa.steps[0]!)).toMatch(/^OK {3}tls /);
  });
});
