// ocauth doctor against the embedded target (every step passes) and against broken set-ups (the failing
// step carries an explanation from @ocauth/diagnostics); secrets never reach the transcript.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redact, runDoctor, formatDoctorStep } from '../src/internal/doctor.js';
import { startEmbeddedTarget, type EmbeddedTarget } from '../src/index.js';

describe('ocauth doctor', () => {
  let t: EmbeddedTarget;
  beforeAll(async () => {
    t = await startEmbeddedTarget();
  });
  afterAll(() => t.close());

  it('passes every step against the embedded target, with timings and redacted transcripts', async () => {
    const rep = await runDoctor({ target: t, device: 'phone' });
    expect(rep.steps.map((s) => [s.name, s.ok])).toEqual([
      ['tls', true],
      ['discovery', true],
      ['ticket', true],
      ['certificate', true],
      ['broker', true],
      ['sip', true],
    ]);
    expect(rep.ok).toBe(true);
    // The SIP leg against the embedded target's registrar: TLS-DSK with the certificate just issued.
    expect(rep.steps.find((s) => s.name === 'sip')!.summary).toMatch(/signed 200 OK, rspauth verified/);
    expect(rep.steps.find((s) => s.name === 'discovery')!.summary).toContain('401 names the Web Ticket Service');
    const text = JSON.stringify(rep) + rep.steps.map((s) => formatDoctorStep(s, true)).join('\n');
    expect(text).not.toContain(t.pin!);
    expect(text).not.toContain(Buffer.from(`${t.phone}:${t.pin}`).toString('base64'));
    expect(text).toContain('authorization: Basic [redacted]');
    expect(text).toMatch(/BinarySecret[^>]*>\[redacted\]/);
    expect(text).toContain('[ticket truncated');
    for (const s of rep.steps) expect(s.ms).toBeGreaterThan(0);
    // The issued certificate is checked by @ocauth/diagnostics (SKI = DeviceId, CN = Entity, issuer signature).
    expect(rep.steps.find((s) => s.name === 'certificate')!.findings.map((f) => f.id)).toEqual(
      expect.arrayContaining(['cert.issued.ski-deviceid', 'cert.issued.entity', 'cert.issued.signature']),
    );
  });

  it('the pc device uses the Auth binding (password) and never shows the password', async () => {
    const rep = await runDoctor({ target: { ...t, pin: undefined }, device: 'pc' });
    expect(rep.ok).toBe(true);
    expect(rep.steps.find((s) => s.name === 'ticket')!.summary).toMatch(/^Auth binding/);
    expect(JSON.stringify(rep)).not.toContain(t.password!);
  });

  it('a wrong PIN fails the ticket step with an explained Web Ticket error; later steps are skipped', async () => {
    const rep = await runDoctor({ target: { ...t, pin: '24681357' }, device: 'phone' });
    const s = rep.steps.find((x) => x.name === 'ticket')!;
    expect(rep.ok).toBe(false);
    expect(s.ok).toBe(false);
    expect(s.findings.length).toBeGreaterThan(0);
    expect(s.findings[0]!.id).toMatch(/^webticket\.280\d\d$/);
    expect(s.findings[0]!.remedy.length).toBeGreaterThan(10);
    expect(rep.steps.find((x) => x.name === 'certificate')!.skipped).toBe('an earlier step failed');
    expect(JSON.stringify(rep)).not.toContain('24681357');
  });

  it('a server whose certificate is not trusted fails the TLS step with certificate findings', async () => {
    const other = await startEmbeddedTarget();
    try {
      // Trust another server's certificate: the chain check must fail and say why.
      const rep = await runDoctor({ target: { ...t, ca: other.ca }, device: 'phone' });
      const s = rep.steps.find((x) => x.name === 'tls')!;
      expect(s.ok).toBe(false);
      expect(s.findings.some((f) => f.severity === 'error' && /chain|trust|untrusted|root/i.test(f.id + f.summary))).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('an unreachable pool fails the first step with a transport finding (what to check), not a stack trace', async () => {
    const rep = await runDoctor({ target: { ...t, baseUrl: 'https://127.0.0.1:1' }, device: 'phone' });
    const s = rep.steps[0]!;
    expect([s.name, s.ok]).toEqual(['tls', false]);
    expect(s.findings[0]!.id).toBe('transport.ECONNREFUSED');
    expect(s.findings[0]!.remedy).toMatch(/port/);
    expect(rep.steps.slice(1).every((x) => x.skipped === 'an earlier step failed')).toBe(true);
  });

  it('redact removes PIN/password/entropy/proof keys/private keys and truncates tickets', () => {
    const s = redact(
      'Authorization: Basic QWxhZGRpbjpvcGVu\n<t:BinarySecret Type="x">c2VjcmV0</t:BinarySecret><o:Password>pw</o:Password><e:CipherValue>abc</e:CipherValue><saml:Assertion ID="1">' +
        'x'.repeat(500) +
        '</saml:Assertion>-----BEGIN PRIVATE KEY-----\nMII\n-----END PRIVATE KEY----- pin 13579',
      ['13579'],
    );
    expect(s).not.toMatch(/QWxhZGRpbjpvcGVu|c2VjcmV0|>pw<|>abc<|MII|13579|x{100}/);
  });
});
