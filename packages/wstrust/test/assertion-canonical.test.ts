// buildSignedAssertion digests a canonical form it writes itself (no parse, no DOM c14n); verifyAssertionSignature
// canonicalizes the assertion with the Signature detached (excC14nWithout). Both are held here to what they replace:
// the exclusive c14n of the parse of the text sent (node-set path, @ocauth/c14n's streaming canonicalizeXml) and xmlsec1.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalizeXml, EXC_C14N, serializeXml } from '@ocauth/c14n';
import { hasTool, runTool } from '../../../testing/tools.js';
import {
  buildSignedAssertion,
  excC14n,
  excC14nWithout,
  NS,
  parseAssertion,
  parseXmlDocument,
  verifyAssertionSignature,
  type WebTicketAssertion,
} from './internals.js';
import type { XElement } from '../src/internal/xml.js';
import { issuerCert, issuerKey } from './support.js';

const signer = { privateKey: createPrivateKey(issuerKey), certificate: new X509Certificate(issuerCert) };

// Values with everything Canonical XML escapes or normalizes: & < > " ' TAB LF CR, non-ASCII, astral characters.
const nasty = fc.string({
  unit: fc.oneof(
    fc.constantFrom('&', '<', '>', '"', "'", '\t', '\n', '\r', '\r\n', ' ', 'é', '\u00a0', '\u{1F600}', '\uFFFD', ']]>', '&amp;', '#x9;'),
    fc.string({ minLength: 1, maxLength: 3 }),
  ),
  maxLength: 24,
});
const date = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true });
const assertion: fc.Arbitrary<WebTicketAssertion> = fc.record({
  AssertionID: fc.stringMatching(/^[A-Za-z_][\w.-]{0,40}$/),
  Issuer: nasty,
  IssueInstant: date,
  NotBefore: date,
  NotOnOrAfter: date,
  Audience: nasty,
  SipUri: nasty,
  AuthenticationMethod: nasty,
  AuthenticationInstant: date,
  ProofKey: fc.option(fc.record({ KeyName: nasty, CipherValue: fc.uint8Array({ maxLength: 40 }) }), { nil: undefined }),
}) as fc.Arbitrary<WebTicketAssertion>;

const digestOf = (xml: string) => /<DigestValue>([^<]*)<\/DigestValue>/.exec(xml)![1]!;
const sha256 = (s: string) => createHash('sha256').update(s).digest('base64');
const hasOnlyXmlChars = (a: WebTicketAssertion) =>
  !/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.test([a.Issuer, a.Audience, a.SipUri, a.AuthenticationMethod, a.ProofKey?.KeyName ?? ''].join(''));

describe('buildSignedAssertion: the canonical form it digests is the exclusive c14n of what it sends', () => {
  it('equals the node-set DOM path and the streaming canonicalizeXml of the sent assertion (generated values)', () => {
    fc.assert(
      fc.property(assertion, (a) => {
        fc.pre(hasOnlyXmlChars(a));
        const xml = buildSignedAssertion(a, signer);
        const el = parseXmlDocument(xml).documentElement as XElement;
        const sig = [...(el.childNodes as unknown as Iterable<XElement>)].find((n) => n.localName === 'Signature')!;
        // The DOM node-set path (enveloped-signature as a node-set predicate) …
        expect(sha256(excC14n(el, { exclude: sig }))).toBe(digestOf(xml));
        // … and the streaming path over the unsigned text (the Signature is the last child, cut at its start tag).
        const unsigned = `${xml.slice(0, xml.indexOf(`<Signature xmlns="${NS.ds}">`))}</saml:Assertion>`;
        expect(sha256(canonicalizeXml(unsigned, { algorithm: EXC_C14N }))).toBe(digestOf(xml));
        // It verifies, and reads back the values that were written.
        expect(verifyAssertionSignature(el, [signer.certificate])).toBe(signer.certificate);
        expect(parseAssertion(el).AssertionID).toBe(a.AssertionID);
      }),
      { numRuns: 200 },
    );
  });

  it('a value with a character XML does not allow is refused as before (the parse path), not signed', () => {
    const a: WebTicketAssertion = {
      AssertionID: 'SamlSecurityToken-1',
      Issuer: 'https://pool0.example.com/WebTicket',
      IssueInstant: new Date(0),
      NotBefore: new Date(0),
      NotOnOrAfter: new Date(1000),
      Audience: 'https://pool0.example.com/',
      SipUri: 'sip:alice@example.com',
      AuthenticationMethod: 'urn:oasis:names:tc:SAML:1.0:am:unspecified',
      AuthenticationInstant: new Date(0),
    };
    expect(() => buildSignedAssertion(a, signer)).not.toThrow();
    for (const bad of ['\u0001', '\uFFFE', '\uD800', 'x\u001fy']) {
      expect(() => buildSignedAssertion({ ...a, SipUri: `sip:${bad}@example.com` }, signer), JSON.stringify(bad)).toThrow(/well-formed|not allowed|character/i);
    }
  });

  it('xmlsec1 verifies assertions with escaped and non-ASCII values (independent RSA + exc-c14n)', (ctx) => {
    if (!hasTool('xmlsec1')) return ctx.skip('xmlsec1 is not on PATH (under CI hasTool throws instead)');
    const d = mkdtempSync(join(tmpdir(), 'wst-canon-'));
    writeFileSync(join(d, 'c.pem'), issuerCert);
    const samples = fc.sample(assertion, { numRuns: 12, seed: 20 }).filter(hasOnlyXmlChars);
    expect(samples.length).toBeGreaterThan(5);
    for (const [i, a] of samples.entries()) {
      writeFileSync(join(d, `a${i}.xml`), buildSignedAssertion(a, signer));
      expect(
        () => runTool('xmlsec1', ['--verify', '--pubkey-cert-pem', join(d, 'c.pem'), '--id-attr:AssertionID', `${NS.saml}:Assertion`, join(d, `a${i}.xml`)]),
        JSON.stringify(a),
      ).not.toThrow();
    }
  });
});

describe('excC14nWithout (enveloped signature by detaching the Signature child)', () => {
  const docs = [
    '<a:A xmlns:a="urn:a" xmlns:b="urn:b" Id="1"><b:x b:q="1"/><S xmlns="urn:s"><b:y/></S><z/></a:A>',
    '<A xmlns="urn:d" xmlns:u="urn:u"> <S><u:k/></S> text<!-- c -->&amp;<B u:at="v"/></A>',
    '<A><S/></A>',
    '<A xmlns:s="urn:s"><B/><s:S>x</s:S></A>',
  ];
  it('gives the node-set path output and leaves the document as it was', () => {
    for (const xml of docs) {
      const el = parseXmlDocument(xml).documentElement as XElement;
      const sig = [...(el.childNodes as unknown as Iterable<XElement>)].find((n) => n.localName === 'S')!;
      const before = serializeXml(el as never);
      expect(excC14nWithout(el, sig), xml).toBe(excC14n(el, { exclude: sig }));
      expect(serializeXml(el as never)).toBe(before);
      expect(sig.parentNode).toBe(el);
    }
  });
  it('puts the Signature back when canonicalization throws', () => {
    const el = parseXmlDocument('<A><r:x xmlns:r="relative"/><S/><B/></A>').documentElement as XElement;
    const sig = [...(el.childNodes as unknown as Iterable<XElement>)].find((n) => n.localName === 'S')!;
    const before = serializeXml(el as never);
    expect(() => excC14nWithout(el, sig)).toThrow(/relative/i);
    expect(serializeXml(el as never)).toBe(before);
  });
  it('a descendant that is not a child goes through the node-set path', () => {
    const el = parseXmlDocument('<A><B><S/></B><C/></A>').documentElement as XElement;
    const s = el.getElementsByTagName('S')[0] as unknown as XElement;
    expect(excC14nWithout(el, s)).toBe('<A><B></B><C></C></A>');
  });
});
