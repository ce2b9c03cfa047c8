import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasTool, runTool } from '../../../testing/tools.js';
import { XmlParseError } from '@ocauth/c14n';
import {
  URI,
  NS,
  buildEnvelope,
  buildAddressingHeaders,
  parseEnvelope,
  buildRequestSecurityToken,
  parseRequestSecurityToken,
  buildRequestSecurityTokenResponseCollection,
  parseRequestSecurityTokenResponseCollection,
  excC14n,
  parseXmlDocument,
  InvalidRequestError,
  SoapFormatError,
  claimedSipUri,
} from './internals.js';

const V = new URL('../../../vectors/spec/', import.meta.url);
const reqXml = readFileSync(new URL('4.2-issue-token-request.xml', V), 'utf8');
const resXml = readFileSync(new URL('4.2-issue-token-response.xml', V), 'utf8');

describe('MS-OCAUTHWS 4.2 examples', () => {
  it('4.2.1 request parses to the example values and round-trips through the builder', () => {
    const env = parseEnvelope(reqXml);
    const rst = parseRequestSecurityToken(env.payload!);
    expect(rst.Context).toBe('2fdf3b92-4341-4eeb-b898-44ef4994cd55');
    expect(rst.RequestType).toBe(URI.requestTypeIssue2005); // 2005/02 RequestType in a 2005/12 RST
    expect(rst.AppliesTo).toBe('https://pool0.vdomain.com/GroupExpansion/Service.svc');
    expect(Buffer.from(rst.Entropy).toString('base64')).toBe('pElGrLu4aRHp9KKXicKdS3hnHi+6sXCgHEZiqPomYgk=');
    expect(rst.KeyType).toBe(URI.keyTypeSymmetric);
    const rebuilt = buildEnvelope({ body: buildRequestSecurityToken(rst) });
    expect(parseRequestSecurityToken(parseEnvelope(rebuilt).payload!)).toEqual(rst);
    // Same canonical RST element once the example's indentation is removed.
    const stripWs = (s: string) => s.replace(/>\s+</g, '><');
    expect(excC14n(parseEnvelope(rebuilt).payload!)).toBe(excC14n(parseEnvelope(stripWs(reqXml)).payload!));
  });
  it('4.2.2 response parses, keeps the opaque assertion byte-exact in c14n, and round-trips', () => {
    const env = parseEnvelope(resXml);
    const [r] = parseRequestSecurityTokenResponseCollection(env.payload!);
    expect(r!.Context).toBe('2fdf3b92-4341-4eeb-b898-44ef4994cd55');
    expect(r!.AssertionId).toBe('SamlSecurityToken-7e62744e-bb8b-4f79-a4c8-623c866adf8c');
    expect(r!.RequestedAttachedReference).toBe(r!.AssertionId);
    expect(r!.RequestedUnattachedReference).toBe(r!.AssertionId);
    expect(r!.Lifetime).toEqual({ Created: '2010-02-11T21:40:47.0048342Z', Expires: '2010-02-11T22:40:47.0048342Z' });
    expect(r!.AppliesTo).toBe('https://pool0.vdomain.com/');
    expect(r!.ComputedKey).toBe(URI.computedKeyPsha1);
    expect(Buffer.from(r!.Entropy).toString('base64')).toBe('rrVofgKABHqpcvaUYgcSkFFt2+ef+dQltq5QDCWa7C8=');
    const { assertionElement, ...plain } = r!;
    const rebuilt = buildEnvelope({ body: buildRequestSecurityTokenResponseCollection([plain]) });
    const [r2] = parseRequestSecurityTokenResponseCollection(parseEnvelope(rebuilt).payload!);
    const { assertionElement: a2, ...plain2 } = r2!;
    expect(plain2).toEqual(plain);
    expect(excC14n(a2)).toBe(excC14n(assertionElement));
  });
  it('exclusive c14n of the example assertion equals xmllint --exc-c14n (libxml2)', () => {
    if (!hasTool('xmllint')) return;
    const doc = parseXmlDocument(resXml);
    const a = doc.getElementsByTagNameNS(NS.saml, 'Assertion')[0]!;
    // xmllint canonicalizes whole documents: feed it the assertion as a standalone document.
    const standalone = excC14n(a as never);
    const ref = runTool('xmllint', ['--exc-c14n', '-'], standalone).toString('utf8');
    expect(standalone).toBe(ref);
    const whole = runTool('xmllint', ['--exc-c14n', '-'], resXml).toString('utf8');
    expect(excC14n(doc.documentElement as never)).toBe(whole);
  });
});

describe('RST parser: real-client quirks and wst:InvalidRequest', () => {
  const good = {
    Context: '2fdf3b92-4341-4eeb-b898-44ef4994cd55',
    TokenType: URI.tokenTypeSaml11,
    RequestType: URI.requestTypeIssue,
    AppliesTo: 'https://pool0.example.com/',
    Entropy: new Uint8Array(32).fill(7),
    KeyType: URI.keyTypeSymmetric,
    Claims: { Dialect: URI.claimsDialect, ClaimTypes: [{ Uri: URI.claimTypeUri, Value: 'sip:alice@example.com' }] },
  };
  it('claims round-trip with any prefix', () => {
    const xml = buildRequestSecurityToken(good);
    const r = parseRequestSecurityToken(parseXmlDocument(xml).documentElement as never);
    expect(r).toEqual(good);
    expect(claimedSipUri(r)).toBe('sip:alice@example.com');
    const prefixed = xml
      .replace(/<(\/?)(?!auth:)([A-Za-z]+)/g, (m, s, n) => (['AppliesTo', 'EndpointReference', 'Address'].includes(n) ? m : `<${s}t:${n}`))
      .replace(`xmlns="${NS.trust}"`, `xmlns:t="${NS.trust}"`);
    expect(parseRequestSecurityToken(parseXmlDocument(prefixed).documentElement as never)).toEqual(good);
  });
  it('accepts trailing-slash namespaces and repeated MessageIDs', () => {
    const xml = buildRequestSecurityToken(good).replace(`xmlns="${NS.trust}"`, `xmlns="${NS.trust}/"`);
    expect(parseRequestSecurityToken(parseXmlDocument(xml).documentElement as never).Context).toBe(good.Context);
    const env = parseEnvelope(
      buildEnvelope({
        headers: [
          ...buildAddressingHeaders({ action: URI.actionRstIssue, messageId: 'urn:uuid:1', to: 'https://x/' }),
          ...buildAddressingHeaders({ messageId: 'urn:uuid:1' }),
        ],
        body: xml,
      }),
    );
    expect(env.addressing.messageIds).toEqual(['urn:uuid:1', 'urn:uuid:1']);
    expect(env.addressing.action).toBe(URI.actionRstIssue);
  });
  const bad: [string, (x: string) => string, string][] = [
    ['missing Context', (x) => x.replace(/ Context="[^"]*"/, ''), '@Context'],
    ['Context not a UUID', (x) => x.replace(/Context="[^"]*"/, 'Context="abc"'), '@Context'],
    ['wrong TokenType', (x) => x.replace(URI.tokenTypeSaml11, 'urn:x'), 'wst:TokenType'],
    ['wrong RequestType', (x) => x.replace(URI.requestTypeIssue, 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/Renew'), 'wst:RequestType'],
    ['missing AppliesTo', (x) => x.replace(/<AppliesTo.*<\/AppliesTo>/, ''), 'wsp:AppliesTo'],
    ['AppliesTo not a URL', (x) => x.replace('https://pool0.example.com/', 'not a url'), 'wsa:Address'],
    ['missing Entropy', (x) => x.replace(/<Entropy>.*<\/Entropy>/, ''), 'wst:Entropy'],
    ['bad base64 entropy', (x) => x.replace(/<BinarySecret>[^<]*/, '<BinarySecret>@@@@'), 'BinarySecret'],
    ['short entropy', (x) => x.replace(/<BinarySecret>[^<]*/, '<BinarySecret>AAAA'), 'BinarySecret'],
    ['bearer KeyType', (x) => x.replace(URI.keyTypeSymmetric, URI.keyTypeBearer), 'wst:KeyType'],
    ['wrong claims dialect', (x) => x.replace(URI.claimsDialect, 'urn:other'), '@Dialect'],
    ['claim value not a SIP URI', (x) => x.replace('sip:alice@example.com', 'alice'), 'auth:Value'],
    ['two TokenTypes', (x) => x.replace(/(<TokenType>[^<]*<\/TokenType>)/, '$1$1'), 'wst:TokenType'],
  ];
  for (const [name, mutate, field] of bad) {
    it(`rejects ${name} with wst:InvalidRequest naming ${field}`, () => {
      const xml = mutate(buildRequestSecurityToken(good));
      let err: unknown;
      try {
        parseRequestSecurityToken(parseXmlDocument(xml).documentElement as never);
      } catch (e) {
        err = e;
      }
      expect(err, name).toBeInstanceOf(InvalidRequestError);
      expect((err as InvalidRequestError).code).toBe('ERR_WSTRUST_INVALID_REQUEST');
      expect((err as InvalidRequestError).faultcode).toBe('wst:InvalidRequest');
      expect((err as Error).message).toContain(field);
    });
  }
  it('rejects DOCTYPE / entity expansion and malformed XML with SoapFormatError', () => {
    expect(() => parseEnvelope('<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>')).toThrow(SoapFormatError);
    expect(() => parseEnvelope('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>')).toThrow(SoapFormatError);
    expect(() => parseEnvelope('<x/>')).toThrow(/expected .*Envelope/);
    expect(() => parseEnvelope('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"/>')).toThrow(/Body/);
    expect(() => parseXmlDocument('<a>' + '<b>'.repeat(100) + '</b>'.repeat(100) + '</a>')).toThrow(/depth/);
  });
  it('XML rejections come from @ocauth/c14n parseXml: SoapFormatError naming what was parsed, cause = XmlParseError with code and position', () => {
    const cases: [string, string | Uint8Array, string][] = [
      ['DOCTYPE', '<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>', 'ERR_XML_DOCTYPE'],
      ['truncated', '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">\n<s:Body>', 'ERR_XML_PARSE'],
      ['depth 66', '<a>'.repeat(66) + '</a>'.repeat(66), 'ERR_XML_LIMIT'],
      ['over 4 MiB', `<a>${'x'.repeat(4 * 1024 * 1024)}</a>`, 'ERR_XML_LIMIT'],
      ['invalid UTF-8', new Uint8Array([0x3c, 0x61, 0x3e, 0xc3, 0x28, 0x3c, 0x2f, 0x61, 0x3e]), 'ERR_XML_PARSE'],
    ];
    for (const [name, xml, code] of cases) {
      let err: unknown;
      try {
        parseEnvelope(xml);
      } catch (e) {
        err = e;
      }
      expect(err, name).toBeInstanceOf(SoapFormatError);
      expect((err as SoapFormatError).code, name).toBe('ERR_WSTRUST_SOAP_FORMAT');
      expect((err as Error).message, name).toMatch(/^SOAP envelope: /);
      expect((err as Error).cause, name).toBeInstanceOf(XmlParseError);
      expect(((err as Error).cause as XmlParseError).code, `${name}: ${(err as Error).message}`).toBe(code);
    }
    // Depth 65 (64 below the document element) is still accepted.
    expect(() => parseXmlDocument('<a>'.repeat(65) + '</a>'.repeat(65))).not.toThrow();
  });
});

describe('known answer from a real Web Ticket Service: the 4.2.2 assertion DigestValue', () => {
  it('our exclusive c14n reproduces the digest the server signed (PDF indentation removed), so only the RSA check remains', async () => {
    const { verifyAssertionSignature, AssertionError } = await import('./internals.js');
    const { X509Certificate } = await import('node:crypto');
    const { issuerCert } = await import('./support.js');
    const doc = parseXmlDocument(resXml.replace(/>\s+</g, '><'));
    const a = doc.getElementsByTagNameNS(NS.saml, 'Assertion')[0]!;
    let err: unknown;
    try {
      verifyAssertionSignature(a as never, [new X509Certificate(issuerCert)]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AssertionError);
    // Past the DigestValue check: fails only because the spec does not publish the issuer certificate.
    expect((err as Error).message).toContain('no trusted certificate verifies');
    // With the PDF's whitespace kept, the digest differs (the whitespace is not the server's).
    const doc2 = parseXmlDocument(resXml);
    expect(() => verifyAssertionSignature(doc2.getElementsByTagNameNS(NS.saml, 'Assertion')[0] as never, [])).toThrow(/DigestValue/);
  });
  it('pinned departure: the 4.3–4.6 example tickets do not reproduce their DigestValue (names edited after signing, presumably)', async () => {
    const { createHash } = await import('node:crypto');
    const departures: string[] = [];
    for (const f of ['4.3-create-auth-broker-session-request.xml', '4.4-terminate-auth-broker-session-request.xml']) {
      const d = parseXmlDocument(readFileSync(new URL(f, V), 'utf8').replace(/>\s+</g, '><'));
      const a = d.getElementsByTagNameNS(NS.saml, 'Assertion')[0]!;
      const sig = a.getElementsByTagNameNS(NS.ds, 'Signature')[0]!;
      const dv = sig.getElementsByTagNameNS(NS.ds, 'DigestValue')[0]!.textContent!.trim();
      if (
        createHash('sha256')
          .update(excC14n(a as never, { exclude: sig as never }))
          .digest('base64') !== dv
      )
        departures.push(f);
    }
    expect(departures.length, departures.join(', ')).toBe(2);
  });
});
