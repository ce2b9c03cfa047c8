import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasTool, runTool } from '../../../testing/tools.js';
import {
  NS,
  buildAddressingHeaders,
  buildEnvelope,
  signMessage,
  verifyMessage,
  MemoryReplayCache,
  SecurityError,
  pSha1,
  parseUtc,
  type VerifyMessageOptions,
} from './internals.js';

const key = new Uint8Array(32).map((_, i) => i * 7 + 1);
const T0 = new Date('2026-01-01T00:00:00.000Z');
const AID = 'SamlSecurityToken-7e62744e-bb8b-4f79-a4c8-623c866adf8c';
const env = buildEnvelope({
  headers: buildAddressingHeaders({ action: 'http://tempuri.org/IService/Op', to: 'https://pool0.example.com/svc' }),
  body: '<Op xmlns="http://tempuri.org/">42</Op>',
});
const sign = (o: Partial<Parameters<typeof signMessage>[0]> = {}) => signMessage({ envelope: env, proofKey: key, assertionId: AID, now: T0, ...o });
const vopts = (o: Partial<VerifyMessageOptions> = {}): VerifyMessageOptions => ({
  resolveKey: (ref) => {
    if (ref.keyIdentifier !== AID) throw new Error('unknown token');
    return key;
  },
  now: new Date(T0.getTime() + 1000),
  ...o,
});
function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SecurityError);
    return (e as SecurityError).code;
  }
  return 'NO ERROR';
}

describe('signMessage / verifyMessage', () => {
  for (const digestAlgorithm of ['sha1', 'sha256'] as const)
    for (const signatureAlgorithm of ['hmac-sha1', 'hmac-sha256'] as const) {
      it(`round-trips with ${digestAlgorithm} + ${signatureAlgorithm}`, () => {
        const xml = sign({ digestAlgorithm, signatureAlgorithm, timestampId: 'ts-1' });
        const v = verifyMessage(xml, vopts());
        expect(v.timestamp).toEqual({ id: 'ts-1', created: T0, expires: new Date(T0.getTime() + 300_000) });
        expect(v.key.keyIdentifier).toBe(AID);
        expect(v.signedElements[0]!.localName).toBe('Timestamp');
      });
    }
  it('carries the token in wsse:Security and exposes it to resolveKey', () => {
    const token = `<saml:Assertion xmlns:saml="${NS.saml}" MajorVersion="1" MinorVersion="1" AssertionID="${AID}"/>`;
    let seen: unknown;
    verifyMessage(
      sign({ token }),
      vopts({
        resolveKey: (r) => {
          seen = r.token?.localName;
          return key;
        },
      }),
    );
    expect(seen).toBe('Assertion');
  });
  it('extends an existing wsse:Security header instead of adding a second one', () => {
    const withSec = buildEnvelope({
      headers: [`<o:Security xmlns:o="${NS.wsse}"><o:UsernameToken><o:Username>u</o:Username></o:UsernameToken></o:Security>`],
      body: '<x/>',
    });
    const xml = signMessage({ envelope: withSec, proofKey: key, assertionId: AID, now: T0 });
    expect(xml.match(/<o:Security[ >]/g)!.length).toBe(1);
    verifyMessage(xml, vopts());
  });

  describe('tampering', () => {
    const xml = sign();
    const cases: [string, (s: string) => string, string][] = [
      ['Created changed', (s) => s.replace('2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z'), 'ERR_WSTRUST_DIGEST_MISMATCH'],
      ['Expires extended', (s) => s.replace('2026-01-01T00:05:00.000Z', '2026-01-02T00:05:00.000Z'), 'ERR_WSTRUST_DIGEST_MISMATCH'],
      ['DigestValue byte', (s) => s.replace(/<DigestValue>(.)/, (_m, c) => `<DigestValue>${c === 'A' ? 'B' : 'A'}`), 'ERR_WSTRUST_DIGEST_MISMATCH'],
      ['SignatureValue byte', (s) => s.replace(/<SignatureValue>(.)/, (_m, c) => `<SignatureValue>${c === 'A' ? 'B' : 'A'}`), 'ERR_WSTRUST_SIGNATURE_INVALID'],
      ['KeyInfo names another token', (s) => s.replace(`>${AID}<`, '>other<'), 'NO ERROR-other'],
      [
        'Transform changed to inclusive c14n',
        (s) =>
          s.replace('<Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"', '<Transform Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"'),
        'ERR_WSTRUST_UNSUPPORTED_ALGORITHM',
      ],
      [
        'unknown digest',
        (s) => s.replace(/DigestMethod Algorithm="[^"]*"/, 'DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#md5"'),
        'ERR_WSTRUST_UNSUPPORTED_ALGORITHM',
      ],
      [
        'unknown signature method',
        (s) => s.replace(/SignatureMethod Algorithm="[^"]*"/, 'SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#hmac-md5"'),
        'ERR_WSTRUST_UNSUPPORTED_ALGORITHM',
      ],
      [
        'HMACOutputLength',
        (s) => s.replace(/<SignatureMethod Algorithm="([^"]*)"\/>/, '<SignatureMethod Algorithm="$1"><HMACOutputLength>8</HMACOutputLength></SignatureMethod>'),
        'ERR_WSTRUST_HMAC_OUTPUT_LENGTH',
      ],
      ['no Reference', (s) => s.replace(/<Reference .*<\/Reference>/, ''), 'ERR_WSTRUST_REFERENCE_MISSING'],
      ['dangling Reference', (s) => s.replace('URI="#_0"', 'URI="#nope"'), 'ERR_WSTRUST_REFERENCE_MISSING'],
      ['external Reference', (s) => s.replace('URI="#_0"', 'URI="http://evil/"'), 'ERR_WSTRUST_REFERENCE_MISSING'],
      [
        'wrapping: duplicate id in Body',
        (s) => s.replace('<Op xmlns', '<w:W xmlns:w="urn:w" xmlns:u="' + NS.wsu + '" u:Id="_0"/><Op xmlns'),
        'ERR_WSTRUST_DUPLICATE_ID',
      ],
      [
        'wrapping: signed Timestamp moved out of Security, fresh unsigned one in',
        (s) => {
          const ts = /<u:Timestamp.*?<\/u:Timestamp>/.exec(s)![0];
          return s
            .replace(ts, ts.replace('u:Id="_0"', 'u:Id="fresh"').replace('2026-01-01T00:05', '2027-01-01T00:05'))
            .replace('<s:Body>', '<s:Body><w:Wrap xmlns:w="urn:w">' + ts + '</w:Wrap>');
        },
        'ERR_WSTRUST_REFERENCE_MISSING',
      ],
      ['two Security headers', (s) => s.replace('</s:Header>', `<o:Security xmlns:o="${NS.wsse}"/></s:Header>`), 'ERR_WSTRUST_SECURITY_ELEMENT_DUPLICATE'],
      ['two Timestamps', (s) => s.replace('<Signature ', `<u:Timestamp xmlns:u="${NS.wsu}"/><Signature `), 'ERR_WSTRUST_SECURITY_ELEMENT_DUPLICATE'],
      ['no Security', (s) => s.replace(/<o:Security.*<\/o:Security>/, ''), 'ERR_WSTRUST_SECURITY_HEADER_MISSING'],
      [
        'KeyIdentifier of another ValueType',
        (s) => s.replace('saml-token-profile-1.0#SAMLAssertionID', 'x509-token-profile-1.0#X509SubjectKeyIdentifier'),
        'ERR_WSTRUST_KEY_REFERENCE',
      ],
    ];
    for (const [name, mut, expected] of cases) {
      it(`fails: ${name}`, () => {
        const bad = mut(xml);
        expect(bad, 'mutation applied').not.toBe(xml);
        if (expected === 'NO ERROR-other') {
          expect(() => verifyMessage(bad, vopts())).toThrow(/unknown token/);
          return;
        }
        expect(
          code(() => verifyMessage(bad, vopts())),
          name,
        ).toBe(expected);
      });
    }
    it('fails with a wrong key (one bit)', () => {
      const k2 = key.slice();
      k2[0]! ^= 1;
      expect(code(() => verifyMessage(xml, vopts({ resolveKey: () => k2 })))).toBe('ERR_WSTRUST_SIGNATURE_INVALID');
    });
    it('clock: expired beyond skew, created in the future beyond skew, inside skew ok', () => {
      const at = (ms: number) => new Date(T0.getTime() + ms);
      expect(code(() => verifyMessage(xml, vopts({ now: at(300_000 + 300_000) })))).toBe('ERR_WSTRUST_TIMESTAMP_EXPIRED');
      expect(code(() => verifyMessage(xml, vopts({ now: at(-300_001) })))).toBe('ERR_WSTRUST_TIMESTAMP_FUTURE');
      expect(verifyMessage(xml, vopts({ now: at(-299_000) })).timestamp.id).toBe('_0');
      expect(verifyMessage(xml, vopts({ now: at(599_000) })).timestamp.id).toBe('_0');
      expect(code(() => verifyMessage(xml, vopts({ now: at(301_000), skewSeconds: 0 })))).toBe('ERR_WSTRUST_TIMESTAMP_EXPIRED');
    });
    it('replay cache refuses the same signature twice', () => {
      const replayCache = new MemoryReplayCache({ now: () => T0.getTime() });
      verifyMessage(xml, vopts({ replayCache }));
      expect(code(() => verifyMessage(xml, vopts({ replayCache })))).toBe('ERR_WSTRUST_REPLAY');
    });
    it('algorithm allow-list can exclude SHA-1', () => {
      expect(code(() => verifyMessage(xml, vopts({ digestAlgorithms: ['sha256'] })))).toBe('ERR_WSTRUST_UNSUPPORTED_ALGORITHM');
    });
    it('error messages never contain the key', () => {
      try {
        verifyMessage(xml, vopts({ resolveKey: () => new Uint8Array(32) }));
      } catch (e) {
        expect((e as Error).message).not.toContain(Buffer.from(key).toString('base64'));
        expect((e as Error).message).toMatch(/SignatureValue/);
      }
    });
  });
});

describe('interop with xmlsec1 (libxmlsec, HMAC key)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wstrust-xmlsec-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const keyFile = join(dir, 'key.bin');
  writeFileSync(keyFile, key);
  const idAttr = ['--id-attr:Id', `${NS.wsu}:Timestamp`];
  it('messages we sign verify with xmlsec1 --verify (all four algorithm pairs), and a tampered one does not', (ctx) => {
    if (!hasTool('xmlsec1')) return ctx.skip('xmlsec1 is not on PATH (under CI hasTool throws instead)');
    for (const d of ['sha1', 'sha256'] as const)
      for (const h of ['hmac-sha1', 'hmac-sha256'] as const) {
        const f = join(dir, `signed-${d}-${h}.xml`);
        writeFileSync(f, sign({ digestAlgorithm: d, signatureAlgorithm: h }));
        expect(() => runTool('xmlsec1', ['--verify', '--hmackey', keyFile, ...idAttr, f]), `${d}/${h}`).not.toThrow();
      }
    const f = join(dir, 'tampered.xml');
    writeFileSync(f, sign().replace('00:05:00.000Z', '00:06:00.000Z'));
    expect(() => runTool('xmlsec1', ['--verify', '--hmackey', keyFile, ...idAttr, f])).toThrow();
  });
  it('xmlsec1 --sign output verifies with us (template from an independent layout and prefixes)', (ctx) => {
    if (!hasTool('xmlsec1')) return ctx.skip('xmlsec1 is not on PATH (under CI hasTool throws instead)');
    const tmpl = `<?xml version="1.0"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header>
 <wsse:Security xmlns:wsse="${NS.wsse}" xmlns:wsu="${NS.wsu}">
  <wsu:Timestamp wsu:Id="timestamp"><wsu:Created>2026-01-01T00:00:00Z</wsu:Created><wsu:Expires>2026-01-01T08:00:00Z</wsu:Expires></wsu:Timestamp>
  <ds:Signature xmlns:ds="${NS.ds}"><ds:SignedInfo>
   <ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
   <ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#hmac-sha256"/>
   <ds:Reference URI="#timestamp"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>
    <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference>
  </ds:SignedInfo><ds:SignatureValue/>
  <ds:KeyInfo><wsse:SecurityTokenReference><wsse:KeyIdentifier ValueType="http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.0#SAMLAssertionID">${AID}</wsse:KeyIdentifier></wsse:SecurityTokenReference></ds:KeyInfo>
  </ds:Signature>
 </wsse:Security></soap:Header><soap:Body><m:Op xmlns:m="urn:m">x</m:Op></soap:Body></soap:Envelope>`;
    const f = join(dir, 'tmpl.xml');
    writeFileSync(f, tmpl);
    const signed = runTool('xmlsec1', ['--sign', '--hmackey', keyFile, ...idAttr, f]).toString('utf8');
    const v = verifyMessage(signed, vopts({ now: new Date('2026-01-01T01:00:00Z') }));
    expect(v.timestamp.id).toBe('timestamp');
    expect(code(() => verifyMessage(signed.replace('08:00:00Z', '09:00:00Z'), vopts({ now: new Date('2026-01-01T01:00:00Z') })))).toBe(
      'ERR_WSTRUST_DIGEST_MISMATCH',
    );
  });
});

describe('P_SHA1 proof key', () => {
  it('matches openssl TLS1-PRF (MD5/SHA1 split disabled: digest SHA1) for the spec 4.2 entropies', (ctx) => {
    const req = Buffer.from('pElGrLu4aRHp9KKXicKdS3hnHi+6sXCgHEZiqPomYgk=', 'base64');
    const srv = Buffer.from('rrVofgKABHqpcvaUYgcSkFFt2+ef+dQltq5QDCWa7C8=', 'base64');
    const ours = Buffer.from(pSha1(req, srv, 32)).toString('hex');
    if (!hasTool('openssl', ['version'])) return ctx.skip('openssl is not on PATH (under CI hasTool throws instead)');
    const ref = runTool('openssl', [
      'kdf',
      '-keylen',
      '32',
      '-kdfopt',
      'digest:SHA1',
      '-kdfopt',
      `hexsecret:${req.toString('hex')}`,
      '-kdfopt',
      `hexseed:${srv.toString('hex')}`,
      '-binary',
      'TLS1-PRF',
    ]).toString('hex');
    expect(ours).toBe(ref);
  });
});

describe('parseUtc (moved from server/test/security-timestamps.test.ts)', () => {
  it('xsd:dateTime is parsed strictly: month 13, day 30 of February, hour 24 are not dates', () => {
    expect(parseUtc('2026-13-05T00:00:00Z')).toBeUndefined();
    expect(parseUtc('2026-02-30T00:00:00Z')).toBeUndefined();
    expect(parseUtc('2026-00-10T00:00:00Z')).toBeUndefined();
    expect(parseUtc('2026-01-10T24:00:00Z')).toBeUndefined();
    expect(parseUtc('2028-02-29T23:59:59.5Z')?.toISOString()).toBe('2028-02-29T23:59:59.500Z');
  });
});
