// PKCS#10 version: RFC 2986 says 0, pidgin-sipe's OpenSSL backend writes 2 (sipe-cert-crypto-openssl.c
// calls X509_REQ_set_version(req, 2)). The CSRs here are made by `openssl req` and then re-versioned and
// re-signed with this file's own DER code and node:crypto (nothing from the parser under test); OpenSSL
// itself (`openssl req -verify`) is the oracle that the re-signed request is well-formed and signed.
import { spawnSync } from 'node:child_process';
import { createSign, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CsrError, parseCsr } from '@ocauth/certprov';
import { hasTool } from '../../../testing/tools.js';

const dir = mkdtempSync(join(tmpdir(), 'ocauth-csr-version-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

/** DER TLV at `off`: tag, header length, content length. */
function tlv(b: Buffer, off: number): { tag: number; hdr: number; len: number } {
  const tag = b[off]!;
  let len = b[off + 1]!;
  let hdr = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[off + 2 + i]!;
    hdr += n;
  }
  return { tag, hdr, len };
}
function encLen(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const seq = (...parts: Buffer[]) => {
  const c = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([0x30]), encLen(c.length), c]);
};

/** `openssl req` CSR (sha256WithRSA) with its CertificationRequestInfo version replaced by `versionContent` and re-signed. */
function csrWithVersion(versionContent: number[]): Buffer {
  const keyFile = join(dir, 'k.pem');
  writeFileSync(keyFile, keyPem);
  const r = spawnSync('openssl', ['req', '-new', '-key', keyFile, '-subj', '/CN=sip:alice@contoso.com', '-sha256', '-outform', 'DER'], { encoding: 'buffer' });
  if (r.status !== 0) throw new Error(r.stderr.toString());
  const der = r.stdout;
  const outer = tlv(der, 0);
  const infoOff = outer.hdr;
  const info = tlv(der, infoOff);
  const infoEnd = infoOff + info.hdr + info.len;
  const algEnd =
    infoEnd +
    (() => {
      const a = tlv(der, infoEnd);
      return a.hdr + a.len;
    })();
  const infoContent = der.subarray(infoOff + info.hdr, infoEnd);
  const ver = tlv(infoContent, 0);
  expect(ver.tag).toBe(0x02);
  expect([...infoContent.subarray(ver.hdr, ver.hdr + ver.len)]).toEqual([0]);
  const newVersion = Buffer.from([0x02, versionContent.length, ...versionContent]);
  const newInfo = seq(newVersion, infoContent.subarray(ver.hdr + ver.len));
  const sig = createSign('sha256').update(newInfo).sign(privateKey);
  const bitString = Buffer.concat([Buffer.from([0x03]), encLen(sig.length + 1), Buffer.from([0]), sig]);
  return seq(newInfo, der.subarray(infoEnd, algEnd), bitString);
}

function opensslVerifies(der: Buffer): { ok: boolean; text: string } {
  const f = join(dir, `csr-${Math.random().toString(36).slice(2)}.der`);
  writeFileSync(f, der);
  const r = spawnSync('openssl', ['req', '-inform', 'DER', '-in', f, '-verify', '-noout', '-text'], { encoding: 'utf8' });
  return { ok: r.status === 0 && /verify OK|Certificate request self-signature verify OK/i.test(r.stdout + r.stderr), text: r.stdout + r.stderr };
}

describe.runIf(hasTool('openssl', ['version']))('PKCS#10 version (README Interoperability)', () => {
  it('accepts version 0 (RFC 2986) and version 2 (pidgin-sipe, OpenSSL backend), both signed as OpenSSL checks', () => {
    for (const v of [0, 2]) {
      const der = csrWithVersion([v]);
      const oracle = opensslVerifies(der);
      expect(oracle.ok, oracle.text).toBe(true);
      // OpenSSL 3 prints `Version: 1 (0x0)` and, for 2, `Version: Unknown (2)` (older: `3 (0x2)`).
      expect(oracle.text).toMatch(new RegExp(`Version: (${v + 1} \\(0x${v}\\)|Unknown \\(${v}\\))`));
      const p = parseCsr(new Uint8Array(der));
      expect(p.subjectCommonName, `version ${v}`).toBe('sip:alice@contoso.com');
      expect(p.signatureValid, `version ${v}`).toBe(true);
    }
  });

  it('refuses the other versions with a typed error naming expected and received', () => {
    for (const [content, shown] of [
      [[1], '1'],
      [[3], '3'],
      [[0xff], '-1'],
      [[0, 0], '0'],
    ] as const) {
      const der = csrWithVersion([...content]);
      expect(opensslVerifies(der).ok || content.length === 2, 'the re-signed request is otherwise valid').toBe(true);
      let err: unknown;
      try {
        parseCsr(new Uint8Array(der));
      } catch (e) {
        err = e;
      }
      expect(err, `version bytes ${content}`).toBeInstanceOf(CsrError);
      expect((err as CsrError).code).toBe('ERR_CERTPROV_CSR_STRUCTURE');
      expect((err as Error).message).toContain(`version: expected 0 (RFC 2986) or 2 (pidgin-sipe/OpenSSL), received ${shown}`);
    }
  });
});
