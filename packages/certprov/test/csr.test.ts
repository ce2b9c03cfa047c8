import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CsrError, generateCsr, parseCsr } from '@ocauth/certprov';

/** MS-WCCE 2.2.2.7.10 enrollment name-value pair attribute. */
const OID_ENROLLMENT_NAME_VALUE_PAIR = '1.3.6.1.4.1.311.13.2.1';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { hasTool } from '../../../testing/tools.js';

const vec = (f: string) => new URL(`../../../vectors/spec/${f}`, import.meta.url);
const keyPair = generateKeyPairSync('rsa', { modulusLength: 1024 });

describe('spec 4.1 example CSR (MS-OCAUTHWS 4.1.1)', () => {
  it('parses from PEM, base64 and DER identically and verifies the SHA-1 self-signature', () => {
    const fromPem = parseCsr(readFileSync(vec('4.1-example-csr.pem'), 'utf8'));
    const fromB64 = parseCsr(readFileSync(vec('4.1-example-csr.b64'), 'utf8'));
    const fromDer = parseCsr(new Uint8Array(readFileSync(vec('4.1-example-csr.der'))));
    for (const p of [fromPem, fromB64, fromDer]) {
      expect(p.subjectCommonName).toBe('test@test.com');
      expect(p.signatureValid).toBe(true);
      expect(p.signatureAlgorithmOid).toBe('1.2.840.113549.1.1.5');
      expect(p.keySizeBits).toBe(1024);
      expect(p.attributeOids).toContain(OID_ENROLLMENT_NAME_VALUE_PAIR);
      expect(p.nameValuePairs).toEqual([
        { name: 'validityPeriod', value: 'Months' },
        { name: 'ValidityPeriodUnits', value: '6' },
        { name: 'CertificateTemplate', value: 'User' },
      ]);
    }
  });

  it('detects a tampered signature', () => {
    const der = new Uint8Array(readFileSync(vec('4.1-example-csr.der')));
    der[der.length - 5]! ^= 1;
    expect(parseCsr(der).signatureValid).toBe(false);
  });
});

describe('generateCsr', () => {
  for (const hash of ['sha1', 'sha256'] as const) {
    it(`round-trips a ${hash} request with name-value pairs`, () => {
      const g = generateCsr({ sipUri: 'sip:alice@contoso.com', hash, validity: { period: 'Hours', units: 4320 }, keyPair });
      const p = parseCsr(g.pem);
      expect(p.subjectCommonName).toBe('alice@contoso.com');
      expect(p.signatureValid).toBe(true);
      expect(p.nameValuePairs).toEqual([
        { name: 'validityPeriod', value: 'Hours' },
        { name: 'ValidityPeriodUnits', value: '4320' },
        { name: 'CertificateTemplate', value: 'User' },
      ]);
      expect(p.publicKey.export({ type: 'spki', format: 'der' }).equals(keyPair.publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
    });
  }

  it('generates a fresh 2048-bit key by default', () => {
    const g = generateCsr({ sipUri: 'bob@contoso.com' });
    expect(g.privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(parseCsr(g.der).keySizeBits).toBe(2048);
  });

  it('is accepted by openssl req -verify (independent oracle)', (ctx) => {
    if (!hasTool('openssl')) return ctx.skip('openssl is not on PATH (under CI hasTool throws instead)');
    const dir = mkdtempSync(join(tmpdir(), 'certprov-csr-'));
    const g = generateCsr({ sipUri: 'sip:alice@contoso.com', validity: { period: 'Months', units: 6 }, keyPair });
    writeFileSync(join(dir, 'req.pem'), g.pem);
    // OpenSSL 3 exits 0 either way and reports the outcome on stdout/stderr: read both.
    const verifyReq = (args: string[]) => {
      const r = spawnSync('openssl', ['req', ...args, '-noout', '-verify', '-subject'], { encoding: 'utf8' });
      return `${r.stdout}${r.stderr}`;
    };
    const out = verifyReq(['-in', join(dir, 'req.pem')]);
    expect(out).toMatch(/self-signature verify OK/);
    expect(out).toMatch(/CN\s*=\s*alice@contoso\.com/);
    expect(verifyReq(['-inform', 'DER', '-in', fileURLToPath(vec('4.1-example-csr.der'))])).toMatch(/verify OK/);
    const bad = Buffer.from(g.der);
    bad[bad.length - 3]! ^= 1;
    writeFileSync(join(dir, 'bad.der'), bad);
    expect(verifyReq(['-inform', 'DER', '-in', join(dir, 'bad.der')])).toMatch(/verify failure/);
    expect(parseCsr(new Uint8Array(bad)).signatureValid).toBe(false);
  });

  it('rejects bad options with typed errors', () => {
    expect(() => generateCsr({ sipUri: 'not a uri', keyPair })).toThrow(CsrError);
    try {
      generateCsr({ sipUri: 'a@b', keySizeBits: 100 });
    } catch (e) {
      expect((e as CsrError).code).toBe('ERR_CERTPROV_KEY_SIZE');
    }
    expect(() => generateCsr({ sipUri: 'a@b', keyPair, validity: { period: 'Years' as never, units: 1 } })).toThrow(/validity/);
  });
});

describe('parseCsr hostile input', () => {
  it.each([
    ['empty', ''],
    ['not base64', '!!!!'],
    ['random bytes', new Uint8Array([0x30, 0x03, 0x02, 0x01])],
    ['truncated', new Uint8Array(readFileSync(vec('4.1-example-csr.der'))).subarray(0, 100)],
  ])('%s → CsrError', (_n, input) => {
    expect(() => parseCsr(input as string | Uint8Array)).toThrow(CsrError);
  });
});

describe('parseCsr on re-tagged and corrupted DER (regressions found by test/properties.test.ts)', () => {
  const kp = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const der = generateCsr({ sipUri: 'alice@contoso.com', keyPair: kp }).der;
  // Layout: 30 82 LL LL | 30 82 LL LL 02 01 00 | 30 1c 31 1a 30 18 06 03 55 04 03 0c 11 'alice@contoso.com' ...
  it.each([
    ['outer SEQUENCE re-tagged as SET (outside the signed bytes)', 0, 0x01],
    ['subject RDN SET re-tagged as [APPLICATION 17]', 13, 0x60],
    ['AttributeTypeAndValue SEQUENCE re-tagged', 15, 0x60],
    ['commonName byte that makes it invalid UTF-8', 24, 0x80],
  ])('%s: CsrError, never a valid signature or another exception', (_n, at, xor) => {
    expect(der[22]).toBe(0x0c);
    const bad = der.slice();
    bad[at]! ^= xor;
    let r: ReturnType<typeof parseCsr> | undefined;
    try {
      r = parseCsr(bad);
    } catch (e) {
      expect(e).toBeInstanceOf(CsrError);
      expect((e as CsrError).code).toMatch(/^ERR_CERTPROV_CSR_/);
      return;
    }
    expect(r.signatureValid).toBe(false);
  });
});
