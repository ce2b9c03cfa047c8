// CertificateAuthority.issue writes the subject Name and TLVs with its own DER writer (no node-forge on the issue
// path) and draws default serials from a pooled CSPRNG block. Oracles: hand-encoded Name bytes located in the
// certificate, node's X509Certificate and openssl's view of the subject, serial uniqueness across pool refills.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CertificateAuthority } from '@ocauth/certprov';
import { hasTool } from '../../../testing/tools.js';

const clock = () => new Date('2026-01-01T00:00:00Z');
const ca = CertificateAuthority.create({ clock, keySizeBits: 1024 });
const user = generateKeyPairSync('rsa', { modulusLength: 1024 });
const DEVICE = '{161CCE75-E0C7-5F60-BDD1-054099725B0B}';
const issue = (entity: string) => ca.issue({ publicKey: user.publicKey, entity, deviceId: DEVICE, validityHours: 8 });

/** Name ::= SEQUENCE { SET { SEQUENCE { OID 2.5.4.3, UTF8String cn } } }, every length short or 0x81 form, by hand. */
function handName(cn: string): Buffer {
  const utf8 = Buffer.from(cn, 'utf8');
  const l = (n: number) => (n < 0x80 ? [n] : [0x81, n]);
  const atv = [0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, ...l(utf8.length), ...utf8];
  const set = [0x30, ...l(atv.length), ...atv];
  const rdn = [0x31, ...l(set.length), ...set];
  return Buffer.from([0x30, ...l(rdn.length), ...rdn]);
}

describe('CertificateAuthority.issue DER', () => {
  it.each([['alice@contoso.com'], ['zoë.ångström@contoso.com'], ['用户@例子.公司'], ['a'.repeat(60) + '@' + 'b'.repeat(60) + '.com']])(
    'subject Name of %s: the hand-encoded bytes, read back by node and openssl',
    (entity) => {
      const c = issue(entity);
      const der = Buffer.from(c.der);
      const name = handName(entity);
      // The subject Name follows the validity SEQUENCE; the issuer Name (the CA's) precedes it.
      expect(der.indexOf(name)).toBeGreaterThan(0);
      expect(new X509Certificate(der).subject).toBe(`CN=${entity}`);
      if (hasTool('openssl', ['version'])) {
        const r = spawnSync('openssl', ['x509', '-inform', 'DER', '-noout', '-subject', '-nameopt', 'utf8,sep_comma_plus'], { input: der, encoding: 'utf8' });
        expect(r.status).toBe(0);
        expect(r.stdout.trim()).toBe(`subject=CN=${entity}`);
      }
    },
  );

  it('an Entity with a lone surrogate is refused (URIError, as node-forge did), never written as U+FFFD', () => {
    expect(() => issue('a\ud800@contoso.com')).toThrow(URIError);
    expect(issue('a\ud83d\ude00@contoso.com').x509.subject).toBe('CN=a\u{1f600}@contoso.com');
  });

  it('default serials: unique, positive, 16 bytes, across several refills of the random pool', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 700; i++) {
      const s = issue('a@b.c').serialNumber;
      expect(s).toMatch(/^[4-7][0-9A-F]{31}$/);
      seen.add(s);
    }
    expect(seen.size).toBe(700);
  });
});
