// Differential test of parseCsr (strict DER reader) against the node-forge parser it replaced
// (test/support/forge-csr-reference.ts, the old code verbatim). Inputs: the repository's CSR vectors, CSRs made by
// the openssl CLI (RSA/EC/Ed25519 keys, sha1/sha256, multi-valued RDNs, UTF-8 and BMPString subjects, requested
// extensions with and without `critical`) and every single-byte mutation of them, truncations and re-encodings.
// Rules (each a way the handler's answer could change):
//  - an input either parser would issue for (parsed, signature valid) gets the same fields from both;
//  - both refuse or neither does, except the classes the new reader is deliberately stricter on, each checked by
//    construction below: BER lengths (non-minimal or indefinite) and a subject or attribute whose tags are not
//    those of RFC 2986 / RFC 5280 (only ever in bytes the self-signature covers, so the old parser refused them
//    too, as InvalidCSR or InvalidPublicKey).
import { spawnSync } from 'node:child_process';
import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CsrError, parseCsr, type ParsedCsr } from '@ocauth/certprov';
import { hasTool } from '../../../testing/tools.js';
import { parseCsrForge } from './support/forge-csr-reference.js';

const dir = mkdtempSync(join(tmpdir(), 'ocauth-csr-diff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Outcome = { error?: string } & Record<string, unknown>;
function outcome(parse: (d: Uint8Array) => ParsedCsr, der: Uint8Array): Outcome {
  let p: ParsedCsr;
  try {
    p = parse(der);
  } catch (e) {
    if (!(e instanceof CsrError)) return { error: `not a CsrError: ${String(e)}` };
    return { error: e.code };
  }
  return {
    cn: p.subjectCommonName,
    spki: Buffer.from(p.spkiDer).toString('hex'),
    keyType: p.publicKey.asymmetricKeyType,
    keySizeBits: p.keySizeBits,
    signatureAlgorithmOid: p.signatureAlgorithmOid,
    signatureValid: p.signatureValid,
    nameValuePairs: p.nameValuePairs,
    attributeOids: p.attributeOids,
    extendedKeyUsage: p.extendedKeyUsage,
  };
}
const issues = (o: Outcome) => o.error === undefined && o.signatureValid === true;

// ---- corpus ----
const vecDir = new URL('../../../vectors/', import.meta.url);
const corpus: Array<{ name: string; der: Uint8Array }> = [
  { name: 'spec 4.1 example', der: new Uint8Array(readFileSync(new URL('spec/4.1-example-csr.der', vecDir))) },
];
for (const f of ['certprov/csr-policy.json', 'certprov/csr-key-limits.json']) {
  const doc = JSON.parse(readFileSync(new URL(f, vecDir), 'utf8')) as { testGroups: Array<{ tests: Array<{ tcId: number; csrBase64?: string }> }> };
  for (const g of doc.testGroups)
    for (const t of g.tests) if (t.csrBase64) corpus.push({ name: `${f} #${t.tcId}`, der: new Uint8Array(Buffer.from(t.csrBase64, 'base64')) });
}
const keys: Array<[string, KeyObject]> = [
  ['rsa1024', generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey],
  ['ec', generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey],
  ['ed25519', generateKeyPairSync('ed25519').privateKey],
];
const haveOpenssl = hasTool('openssl', ['version']);
function opensslCsr(key: KeyObject, args: string[], config?: string): Uint8Array {
  const keyFile = join(dir, 'k.pem');
  writeFileSync(keyFile, key.export({ type: 'pkcs8', format: 'pem' }) as string);
  const extra: string[] = [];
  if (config) {
    writeFileSync(join(dir, 'req.cnf'), config);
    extra.push('-config', join(dir, 'req.cnf'));
  }
  const r = spawnSync('openssl', ['req', '-new', '-key', keyFile, '-outform', 'DER', ...extra, ...args], { encoding: 'buffer' });
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return new Uint8Array(r.stdout);
}
if (haveOpenssl) {
  const bmpConfig = '[req]\ndistinguished_name=dn\nstring_mask=MASK:0x800\nprompt=no\n[dn]\nCN=bob@contoso.com\n';
  for (const [kn, key] of keys) {
    const sha = kn === 'ed25519' ? [] : ['-sha1'];
    corpus.push(
      { name: `openssl ${kn} plain`, der: opensslCsr(key, ['-subj', '/CN=sip:alice@contoso.com']) },
      { name: `openssl ${kn} sha1 multi-RDN`, der: opensslCsr(key, ['-subj', '/C=US/O=Contoso/CN=alice@contoso.com+OU=x', '-multivalue-rdn', ...sha]) },
      { name: `openssl ${kn} utf8`, der: opensslCsr(key, ['-utf8', '-subj', '/CN=zoë@contoso.com']) },
      { name: `openssl ${kn} BMPString CN`, der: opensslCsr(key, [], bmpConfig) },
      {
        name: `openssl ${kn} EKU + critical basicConstraints`,
        der: opensslCsr(key, ['-subj', '/CN=a@b', '-addext', 'extendedKeyUsage=serverAuth,clientAuth', '-addext', 'basicConstraints=critical,CA:FALSE']),
      },
      { name: `openssl ${kn} EKU serverAuth`, der: opensslCsr(key, ['-subj', '/CN=a@b', '-addext', 'extendedKeyUsage=serverAuth']) },
    );
  }
}

/** Mutants with the offset of the changed byte (-1: truncation or extension). */
const MUTATED =
  /^(spec 4\.1 example|certprov\/csr-policy\.json #1|openssl rsa1024 (BMPString CN|EKU \+ critical.*|sha1 multi-RDN)|openssl (ec|ed25519) plain)$/;
function mutants(name: string, der: Uint8Array): Array<{ m: Uint8Array; at: number }> {
  const out: Array<{ m: Uint8Array; at: number }> = [{ m: der, at: -1 }];
  if (!MUTATED.test(name)) return out; // the rest of the corpus as it is (the mutated ones cover each kind of value)
  for (let i = 0; i < der.length; i++) {
    for (const x of [0x01, 0x20, 0x80, 0xff]) {
      const m = der.slice();
      m[i]! ^= x;
      out.push({ m, at: i });
    }
  }
  for (let n = 0; n < der.length; n += 7) out.push({ m: der.subarray(0, n), at: -1 });
  out.push({ m: new Uint8Array([...der, 0]), at: -1 });
  return out;
}

/** [start, end) of the signed CertificationRequestInfo TLV of a well-formed request (hand-read: 30 len 30 len ...). */
function signedRange(der: Uint8Array): [number, number] {
  const hdr = (at: number) => (der[at + 1]! < 0x80 ? 2 : 2 + (der[at + 1]! & 0x7f));
  const len = (at: number) => {
    const l = der[at + 1]!;
    if (l < 0x80) return l;
    let n = 0;
    for (let i = 0; i < (l & 0x7f); i++) n = n * 256 + der[at + 2 + i]!;
    return n;
  };
  const start = hdr(0);
  return [start, start + hdr(start) + len(start)];
}

describe('parseCsr vs the node-forge parser it replaced', () => {
  it('the corpus is what it claims (openssl made every kind of request)', () => {
    if (!haveOpenssl) return;
    expect(corpus.length).toBeGreaterThan(20);
    const kinds = corpus.map((c) => outcome(parseCsrForge, c.der));
    expect(kinds.filter(issues).length).toBeGreaterThan(15);
    expect(kinds.some((k) => k.keyType === 'ec')).toBe(true);
    expect(kinds.some((k) => k.keyType === 'ed25519')).toBe(true);
    expect(kinds.some((k) => k.cn === 'bob@contoso.com')).toBe(true); // BMPString
    expect(kinds.some((k) => k.cn === 'zoë@contoso.com')).toBe(true);
    expect(kinds.some((k) => (k.nameValuePairs as unknown[] | undefined)?.length)).toBe(true);
    expect(kinds.some((k) => (k.extendedKeyUsage as unknown[] | undefined)?.length === 2)).toBe(true);
  });

  it('same outcome on the corpus and on every single-byte mutation, truncation and extension of it', () => {
    let compared = 0;
    let issued = 0;
    const stricter: string[] = [];
    const diffs: string[] = [];
    for (const c of corpus) {
      const [signedStart, signedEnd] = signedRange(c.der);
      for (const { m, at } of mutants(c.name, c.der)) {
        const neu = outcome(parseCsr, m);
        const old = outcome(parseCsrForge, m);
        compared++;
        const where = `${c.name} @${at}: ${Buffer.from(m).toString('hex')}`;
        if (neu.error?.startsWith('not a CsrError')) throw new Error(`${where}: ${neu.error}`);
        if (issues(neu)) {
          issued++;
          expect(neu, where).toEqual(old);
        } else if (issues(old)) {
          // Stricter: a re-tagged or re-encoded byte outside the signed CertificationRequestInfo (the old parser
          // ignored the tag class of the signatureAlgorithm OID, and accepted BER lengths there).
          if (at !== -1 && (at < signedStart || at >= signedEnd) && neu.error !== undefined) stricter.push(`${neu.error} @${at - signedEnd}`);
          else diffs.push(`${where}: new ${JSON.stringify(neu)}`);
        } else if (old.error !== undefined) {
          // Refused by the old parser: refused by the new one too (the code may name another reason).
          if (neu.error === undefined && neu.signatureValid !== false) diffs.push(`${where}: old ${old.error}, new parses`);
          if (neu.error === undefined) stricter.push('old refused, new parses unsigned');
        } else if (neu.error === undefined) {
          // Parsed by both with an invalid signature: the same fields.
          expect(neu, where).toEqual(old);
        } else stricter.push(neu.error);
      }
    }
    expect(diffs).toEqual([]);
    expect(compared).toBeGreaterThan(haveOpenssl ? 10_000 : 3_000);
    expect(issued).toBeGreaterThanOrEqual(corpus.filter((c) => issues(outcome(parseCsrForge, c.der))).length);
    const counts = new Map<string, number>();
    for (const s of stricter) counts.set(s, (counts.get(s) ?? 0) + 1);
    console.log(Object.fromEntries(counts));
  });
});

describe('where parseCsr is deliberately stricter than the node-forge parser', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const len = (n: number) => (n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]));
  const tlv = (tag: number, ...parts: Buffer[]) => {
    const c = Buffer.concat(parts);
    return Buffer.concat([Buffer.from([tag]), len(c.length), c]);
  };
  // CN=a@b, hand-encoded; `lengthOf` lets a test spell one length in long form.
  const cnAtv = tlv(0x30, Buffer.from('0603550403', 'hex'), tlv(0x0c, Buffer.from('a@b')));
  function request(info: Buffer, outerHeader?: Buffer): Uint8Array {
    const sig = createSign('sha256').update(info).sign(privateKey);
    const body = Buffer.concat([info, Buffer.from('300d06092a864886f70d01010b0500', 'hex'), tlv(0x03, Buffer.from([0]), sig)]);
    return new Uint8Array(Buffer.concat([outerHeader ?? Buffer.concat([Buffer.from([0x30]), len(body.length)]), body]));
  }
  const infoOf = (subject: Buffer) => tlv(0x30, Buffer.from('020100', 'hex'), subject, spki, Buffer.from('a000', 'hex'));

  it('a well-formed hand-encoded request: both parse it alike (the baseline of the cases below)', () => {
    const der = request(infoOf(tlv(0x30, tlv(0x31, cnAtv))));
    expect(outcome(parseCsr, der)).toEqual(outcome(parseCsrForge, der));
    expect(issues(outcome(parseCsr, der))).toBe(true);
  });

  it('BER: a non-minimal length outside the signed bytes (old: issued; new: ERR_CERTPROV_CSR_DER)', () => {
    const good = request(infoOf(tlv(0x30, tlv(0x31, cnAtv))));
    expect(good[1]).toBe(0x82);
    const bodyLen = good.length - 4; // 30 82 LL LL → 30 83 00 LL LL
    const der = request(infoOf(tlv(0x30, tlv(0x31, cnAtv))), Buffer.from([0x30, 0x83, 0, bodyLen >> 8, bodyLen & 0xff]));
    expect(der[1]).toBe(0x83);
    expect(issues(outcome(parseCsrForge, der))).toBe(true);
    expect(outcome(parseCsr, der)).toEqual({ error: 'ERR_CERTPROV_CSR_DER' });
  });

  it('BER: a non-minimal length inside the signed bytes, signed as such (old: issued; new: ERR_CERTPROV_CSR_DER)', () => {
    const subject = Buffer.concat([Buffer.from([0x30, 0x81, cnAtv.length + 2]), tlv(0x31, cnAtv)]);
    const der = request(infoOf(subject));
    expect(issues(outcome(parseCsrForge, der))).toBe(true);
    expect(outcome(parseCsr, der)).toEqual({ error: 'ERR_CERTPROV_CSR_DER' });
  });

  it('BER: an indefinite-length subject, signed as such (old: issued; new: ERR_CERTPROV_CSR_DER)', () => {
    const subject = Buffer.concat([Buffer.from([0x30, 0x80]), tlv(0x31, cnAtv), Buffer.from([0, 0])]);
    const der = request(infoOf(subject));
    expect(issues(outcome(parseCsrForge, der))).toBe(true);
    expect(outcome(parseCsr, der)).toEqual({ error: 'ERR_CERTPROV_CSR_DER' });
  });

  it('a subject RDN that is not a SET, signed as such (old: issued, CN ignored; new: ERR_CERTPROV_CSR_STRUCTURE)', () => {
    const der = request(infoOf(tlv(0x30, tlv(0x30, cnAtv))));
    expect(issues(outcome(parseCsrForge, der))).toBe(true);
    expect(outcome(parseCsr, der)).toEqual({ error: 'ERR_CERTPROV_CSR_STRUCTURE' });
  });
});
