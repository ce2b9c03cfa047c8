import { describe, expect, it } from 'vitest';
import {
  URI,
  NS,
  buildEnvelope,
  buildAddressingHeaders,
  buildRequestSecurityToken,
  parseEnvelope,
  parseRequestSecurityTokenResponseCollection,
  computeProofKey,
  signMessage,
  createTicketVerifier,
  TicketError,
  parseAssertion,
  parseMsDiagnosticsHeader,
  formatWebTicketHeaderValue,
  keyNameOf,
  type RequestSecurityToken,
} from './internals.js';
import { hasTool, runTool } from '../../../testing/tools.js';
import { parseMsDiagnostics as parseDiagnostics, parseOcsDiagnosticsFault, parseSoapFault } from '@ocauth/diagnostics';
import { formatMsDiagnosticsHeader, WEB_TICKET_ERRORS, buildSoapFault, parseXmlDocument } from './internals.js';
import { issuerCert, otherCert, otherKey, poolKey, makeHandler, SERVICE } from './support.js';

const T0 = new Date('2026-03-01T10:00:00.000Z');
const clock = () => T0;
const entropy = new Uint8Array(32).map((_, i) => 255 - i);
const rst = (o: Partial<RequestSecurityToken> = {}): RequestSecurityToken => ({
  Context: '2fdf3b92-4341-4eeb-b898-44ef4994cd55',
  TokenType: URI.tokenTypeSaml11,
  RequestType: URI.requestTypeIssue,
  AppliesTo: 'https://pool0.example.com/CertProv/CertProvisioningService.svc',
  Entropy: entropy,
  KeyType: URI.keyTypeSymmetric,
  ...o,
});
const rstEnvelope = (r = rst()) =>
  buildEnvelope({
    headers: buildAddressingHeaders({ action: URI.actionRstIssue, messageId: 'urn:uuid:5e1f7b0c-0000-4000-8000-000000000001', to: SERVICE }),
    body: buildRequestSecurityToken(r),
  });
const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  new Request(SERVICE + path, { method: 'POST', body, headers: { 'content-type': 'text/xml; charset=utf-8', ...headers } });
const basic = (u: string, p: string) => ({ authorization: 'Basic ' + Buffer.from(`${u}:${p}`).toString('base64') });

async function obtain(h = makeHandler(clock), r = rst()) {
  const res = await h(post('/Pin', rstEnvelope(r), basic('+15551234', '12345')));
  expect(res.status, await res.clone().text()).toBe(200);
  const env = parseEnvelope(await res.text());
  const [rstr] = parseRequestSecurityTokenResponseCollection(env.payload!);
  return { rstr: rstr!, env, proofKey: computeProofKey(r.Entropy, rstr!.Entropy) };
}

const verifier = (o: Partial<Parameters<typeof createTicketVerifier>[0]> = {}) =>
  createTicketVerifier({
    issuerCertificates: [issuerCert],
    poolKeys: [poolKey],
    clock: () => new Date(T0.getTime() + 60_000),
    audience: 'https://pool0.example.com/CertProv/CertProvisioningService.svc',
    ...o,
  });

const serviceRequest = (token: string, assertionId: string, proofKey: Uint8Array, now = new Date(T0.getTime() + 30_000)) =>
  signMessage({
    envelope: buildEnvelope({
      headers: buildAddressingHeaders({ action: 'urn:op', to: 'https://pool0.example.com/CertProv/CertProvisioningService.svc' }),
      body: '<Op xmlns="urn:x"/>',
    }),
    proofKey,
    assertionId,
    token,
    now,
  });

describe('IssueToken handler', () => {
  it('issues a holder-of-key ticket (Pin binding) with the 3.2.4.1.3.4 elements; the ticket verifies', async () => {
    const { rstr, env, proofKey } = await obtain();
    expect(env.addressing.action).toBe(URI.actionRstrcIssueFinal);
    expect(env.addressing.relatesTo).toBe('urn:uuid:5e1f7b0c-0000-4000-8000-000000000001');
    expect(rstr.Context).toBe('2fdf3b92-4341-4eeb-b898-44ef4994cd55');
    expect(rstr.AppliesTo).toBe('https://pool0.example.com/');
    expect(rstr.ComputedKey).toBe(URI.computedKeyPsha1);
    expect(rstr.Entropy.length).toBe(32);
    expect(rstr.Lifetime).toEqual({ Created: T0.toISOString(), Expires: new Date(T0.getTime() + 900_000).toISOString() });
    expect(rstr.RequestedAttachedReference).toBe(rstr.AssertionId);
    const a = parseAssertion(rstr.assertionElement);
    expect(a.SipUri).toBe('sip:alice@example.com');
    expect(a.ProofKey?.KeyName).toBe(poolKey.keyName);
    const v = await verifier().verify(serviceRequest(rstr.RequestedSecurityToken, rstr.AssertionId, proofKey));
    expect(v.sipUri).toBe('sip:alice@example.com');
    expect(Buffer.from(v.proofKey!)).toEqual(Buffer.from(proofKey));
    expect(v.signedElements[0]!.localName).toBe('Timestamp');
  });
  it("verify(envelope, { document }) uses the caller's parse of the request instead of parsing it again; checks are the same", async () => {
    const { rstr, proofKey } = await obtain();
    const req = serviceRequest(rstr.RequestedSecurityToken, rstr.AssertionId, proofKey);
    const once = await verifier().verify(req, { document: parseXmlDocument(req) });
    expect(once.sipUri).toBe('sip:alice@example.com');
    // The Document is what is verified (the text is not parsed again): a tampered Document fails even with intact text…
    const tampered = parseXmlDocument(req.replace(/<u:Expires>2026-03-01T10:05/, '<u:Expires>2026-03-01T10:06'));
    await expect(verifier().verify(req, { document: tampered })).rejects.toMatchObject({ errorId: 28032 });
    // …and without a Document (or with something that is not one) the text is parsed as before.
    expect((await verifier().verify(req, {})).sipUri).toBe('sip:alice@example.com');
    expect((await verifier().verify(req, { document: { nodeType: 1 } as never })).sipUri).toBe('sip:alice@example.com');
  });
  it('the issued assertion signature verifies with xmlsec1 (RSA, enveloped, exc-c14n)', async (ctx) => {
    if (!hasTool('xmlsec1')) return ctx.skip('xmlsec1 is not on PATH (under CI hasTool throws instead)');
    const { rstr } = await obtain();
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const d = mkdtempSync(join(tmpdir(), 'wst-saml-'));
    writeFileSync(join(d, 'a.xml'), rstr.RequestedSecurityToken);
    writeFileSync(join(d, 'c.pem'), issuerCert);
    expect(() =>
      runTool('xmlsec1', ['--verify', '--pubkey-cert-pem', join(d, 'c.pem'), '--id-attr:AssertionID', `${NS.saml}:Assertion`, join(d, 'a.xml')]),
    ).not.toThrow();
  });
  it('private computer lifetime is 8 hours', async () => {
    const res = await makeHandler(clock)(post('/Pin', rstEnvelope(), { ...basic('1234', '12345'), 'x-ms-computer-type': 'private' }));
    const [r] = parseRequestSecurityTokenResponseCollection(parseEnvelope(await res.text()).payload!);
    expect(r!.Lifetime.Expires).toBe(new Date(T0.getTime() + 8 * 3600_000).toISOString());
  });
  it('WinNegotiate: challenge without credentials, ticket with, 403 28000 for a user not SIP enabled', async () => {
    const h = makeHandler(clock);
    const r1 = await h(post('', rstEnvelope()));
    expect(r1.status).toBe(401);
    expect(r1.headers.get('www-authenticate')).toContain('Negotiate');
    expect((await h(post('', rstEnvelope(), { authorization: 'Negotiate dGVzdA==' }))).status).toBe(200);
    const r3 = await h(post('', rstEnvelope(), { authorization: 'Negotiate Ym9i' }));
    expect(r3.status).toBe(403);
    expect(parseMsDiagnosticsHeader(r3.headers.get('x-ms-diagnostics')!)).toEqual({
      errorId: 28000,
      source: 'pool0.example.com',
      reason: 'User is not SIP enabled.',
      fault: 'wsse:FailedAuthentication',
    });
    // The same header as @ocauth/diagnostics reads it, strictly (what a conformance check would demand).
    const strict = parseDiagnostics(r3.headers.get('x-ms-diagnostics')!, { strict: true });
    expect(strict.ok && strict.value).toEqual({
      errorId: 28000,
      source: 'pool0.example.com',
      reason: 'User is not SIP enabled.',
      fault: 'wsse:FailedAuthentication',
    });
  });
  it('X-Ms-diagnostics and OCSDiagnosticsFault stay well-formed for awkward sources and messages', () => {
    // An IPv6 literal cannot be an X-Ms-diagnostics source (1*(ALPHA / DIGIT / "-" / "." / "_" / "~")): it is left out.
    const h = formatMsDiagnosticsHeader(WEB_TICKET_ERRORS[28032]!, '[::1]');
    expect(h).toBe('28032;reason="The Web ticket is invalid.";fault="wsse:InvalidSecurityToken"');
    expect(parseDiagnostics(h, { strict: true }).ok).toBe(true);
    // Characters XML cannot carry (controls, lone surrogates) in a faultstring become '?' instead of a malformed fault.
    const fault = buildSoapFault('wst:InvalidRequest', 'bad \u0001 input \uD800 here', { errorId: 28020, reason: 'There is no valid security token.' });
    const parsed = parseOcsDiagnosticsFault(fault);
    expect(parsed.ok && parsed.value).toMatchObject({
      errorId: 28020,
      reason: 'There is no valid security token.',
      fault: { faultcode: 'wst:InvalidRequest', faultcodeNamespace: NS.trust, faultstring: 'bad ? input ? here' },
    });
    for (const v of ['1.1', '1.2'] as const) {
      const plain = parseSoapFault(buildEnvelope({ version: v, body: buildSoapFault('s:Client', 'x\u0000y', undefined, v) }));
      expect(plain.ok && plain.value.faultstring, v).toBe('x?y');
    }
  });
  it('OAuth bearer on WinNegotiate', async () => {
    const h = makeHandler(clock);
    expect((await h(post('', rstEnvelope(), { authorization: 'Bearer good-token' }))).status).toBe(200);
    const bad = await h(post('', rstEnvelope(), { authorization: 'Bearer nope' }));
    expect(bad.status).toBe(401);
    expect(parseMsDiagnosticsHeader(bad.headers.get('x-ms-diagnostics')!)!.errorId).toBe(28024);
  });
  it('Auth binding: UsernameToken; wrong password is the real-pool fault (500, a:FailedAuthentication, 28020)', async () => {
    const h = makeHandler(clock);
    const ut = (p: string) =>
      buildEnvelope({
        headers: [
          `<o:Security xmlns:o="${NS.wsse}"><o:UsernameToken><o:Username>sip:alice@example.com</o:Username><o:Password Type="${URI.passwordText}">${p}</o:Password></o:UsernameToken></o:Security>`,
        ],
        body: buildRequestSecurityToken(rst()),
      });
    expect((await h(post('/Auth', ut('correct horse')))).status).toBe(200);
    const r = await h(post('/Auth', ut('wrong')));
    expect(r.status).toBe(500);
    const body = await r.text();
    expect(body).toContain('<faultcode xmlns:a="' + NS.wsse + '">a:FailedAuthentication</faultcode>');
    expect(body).toContain('<faultstring xml:lang="en-US">No valid security token.</faultstring>');
    expect(body).toContain('<af:ErrorId>28020</af:ErrorId>');
    expect(parseMsDiagnosticsHeader(r.headers.get('x-ms-diagnostics')!)).toMatchObject({ errorId: 28020, fault: 'wsse:FailedAuthentication' });
    expect(body).not.toContain('wrong');
  });
  it('wrong PIN → 401 with 28024, never echoing the PIN', async () => {
    const r = await makeHandler(clock)(post('/Pin', rstEnvelope(), basic('+15551234', '54321')));
    expect(r.status).toBe(401);
    expect(r.headers.get('x-ms-diagnostics')).toContain('28024');
    expect(r.headers.get('x-ms-diagnostics')).not.toContain('54321');
  });
  it('Pin binding: an identity containing colons (sip:alice@…) is split from the PIN at the last colon', async () => {
    const ok = await makeHandler(clock)(post('/Pin', rstEnvelope(), basic('sip:alice@example.com', '12345')));
    expect(ok.status).toBe(200);
    const bad = await makeHandler(clock)(post('/Pin', rstEnvelope(), basic('sip:alice@example.com', '99999')));
    expect(bad.status).toBe(401);
  });
  it('claimed SIP URI of another user → wst:RequestFailed 28035', async () => {
    const r = rst({ Claims: { Dialect: URI.claimsDialect, ClaimTypes: [{ Uri: URI.claimTypeUri, Value: 'sip:mallory@example.com' }] } });
    const res = await makeHandler(clock)(post('/Pin', rstEnvelope(r), basic('+15551234', '12345')));
    const body = await res.text();
    expect(res.status).toBe(500);
    expect(body).toContain('wst:RequestFailed');
    expect(body).toContain('<af:ErrorId>28035</af:ErrorId>');
    const ok = rst({ Claims: { Dialect: URI.claimsDialect, ClaimTypes: [{ Uri: URI.claimTypeUri, Value: 'sip:Alice@example.com' }] } });
    expect((await makeHandler(clock)(post('/Pin', rstEnvelope(ok), basic('+15551234', '12345')))).status).toBe(200);
  });
  it('AppliesTo outside the farm and malformed RSTs → wst:InvalidRequest', async () => {
    const h = makeHandler(clock);
    const r1 = await h(post('/Pin', rstEnvelope(rst({ AppliesTo: 'https://evil.example.net/x' })), basic('1234', '12345')));
    expect(await r1.text()).toContain('wst:InvalidRequest');
    const r2 = await h(post('/Pin', rstEnvelope().replace(URI.keyTypeSymmetric, URI.keyTypeBearer), basic('1234', '12345')));
    const t2 = await r2.text();
    expect(t2).toContain('wst:InvalidRequest');
    expect(t2).toContain('wst:KeyType');
    const r3 = await h(post('/Pin', '<not xml', basic('1234', '12345')));
    expect(r3.status).toBe(500);
    expect(await r3.text()).toContain('s:Client');
  });
  it('serves the 6.2 WSDL and WS-MEX naming only the bindings it serves (WinNegotiate with an authenticator; never Anon)', async () => {
    const h = makeHandler(clock);
    const w = await (await h(new Request(SERVICE + '?wsdl'))).text();
    for (const p of ['WinNegotiate', 'Pin', 'Auth']) expect(w).toContain(`wsu:Id="WebTicketService${p}_policy"`);
    for (const p of ['Cert', 'Anon']) {
      expect(w).not.toContain(`WebTicketService${p}_policy`);
      expect(w).not.toContain(`name="WebTicketService${p}"`);
    }
    expect(w).not.toContain('WsFedBearer');
    expect(w).toContain(`<soap:address location="${SERVICE}/Pin"/>`);
    expect(w).toContain(`<wsdl:port name="WebTicketServiceWinNegotiate" binding="tns:WebTicketServiceWinNegotiate"><soap:address location="${SERVICE}"/>`);
    if (hasTool('xmllint')) runTool('xmllint', ['--noout', '-'], w);
    const mex = await h(
      post(
        '/mex',
        buildEnvelope({
          version: '1.2',
          headers: buildAddressingHeaders({ action: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Get', messageId: 'urn:uuid:1' }),
          body: '',
        }),
        { 'content-type': 'application/soap+xml; charset=utf-8' },
      ),
    );
    const m = await mex.text();
    expect(m).toContain('MetadataSection Dialect="http://schemas.xmlsoap.org/wsdl/"');
    expect(m).not.toContain('WebTicketServiceAnon');
    // Every advertised port answers (a challenge or a fault), none is 404.
    for (const [, loc] of w.matchAll(/<soap:address location="([^"]+)"/g)) {
      const r = await h(new Request(loc!, { method: 'POST', body: rstEnvelope(), headers: { 'content-type': 'text/xml; charset=utf-8' } }));
      expect(r.status, loc).not.toBe(404);
    }
    expect((await h(new Request(SERVICE + '/Anon', { method: 'POST', body: rstEnvelope() }))).status).toBe(404);
  });
  it('without a windowsAuthenticator WinNegotiate is not advertised; with a certificate validator Cert is; publishedUrl names the ports', async () => {
    const h = makeHandler(clock, {
      windowsAuthenticator: undefined,
      certificateValidator: { validate: async () => null },
      publishedUrl: 'https://edge.example.net/pool/WebTicket/WebTicketService.svc',
    });
    const w = await (await h(new Request(SERVICE + '/mex'))).text();
    expect(w).not.toContain('WinNegotiate');
    expect([...w.matchAll(/<wsdl:port name="([^"]+)"/g)].map((x) => x[1])).toEqual(['WebTicketServiceCert', 'WebTicketServicePin', 'WebTicketServiceAuth']);
    expect([...w.matchAll(/<soap:address location="([^"]+)"/g)].map((x) => x[1])).toEqual(
      ['Cert', 'Pin', 'Auth'].map((b) => `https://edge.example.net/pool/WebTicket/WebTicketService.svc/${b}`),
    );
    if (hasTool('xmllint')) runTool('xmllint', ['--noout', '-'], w);
  });
});

describe('createTicketVerifier', () => {
  it('tampering with any signed byte of the ticket → 28032', async () => {
    const { rstr, proofKey } = await obtain();
    const req = serviceRequest(rstr.RequestedSecurityToken, rstr.AssertionId, proofKey);
    const mutations: [string, (s: string) => string][] = [
      ['SIP URI', (s) => s.replace('sip:alice@example.com', 'sip:alicf@example.com')],
      ['NotOnOrAfter', (s) => s.replace(/NotOnOrAfter="2026-03-01T10:15/, 'NotOnOrAfter="2026-03-01T11:15')],
      ['Audience', (s) => s.replace('<saml:Audience>https://pool0.example.com/', '<saml:Audience>https://pool0.example.com/x')],
      ['CipherValue', (s) => s.replace(/<e:CipherValue>(.)/, (_m, c) => `<e:CipherValue>${c === 'A' ? 'B' : 'A'}`)],
      ['assertion SignatureValue', (s) => s.replace(/(<saml:Assertion[\s\S]*?<SignatureValue>)(.)/, (_m, p, c) => `${p}${c === 'A' ? 'B' : 'A'}`)],
      ['Timestamp Expires', (s) => s.replace(/<u:Expires>2026-03-01T10:05/, '<u:Expires>2026-03-01T10:06')],
      ['proof SignatureValue', (s) => s.replace(/(<\/saml:Assertion>[\s\S]*?<SignatureValue>)(.)/, (_m, p, c) => `${p}${c === 'A' ? 'B' : 'A'}`)],
    ];
    for (const [name, m] of mutations) {
      const bad = m(req);
      expect(bad, name).not.toBe(req);
      const e = await verifier()
        .verify(bad)
        .then(
          () => undefined,
          (x) => x,
        );
      expect(e, name).toBeInstanceOf(TicketError);
      expect((e as TicketError).errorId, name).toBe(28032);
    }
  });
  it('wrong proof key → 28032; ticket from an untrusted issuer → 28032', async () => {
    const { rstr, proofKey } = await obtain();
    const k = proofKey.slice();
    k[5]! ^= 0x80;
    await expect(verifier().verify(serviceRequest(rstr.RequestedSecurityToken, rstr.AssertionId, k))).rejects.toMatchObject({
      code: 'ERR_WSTRUST_TICKET_INVALID',
      errorId: 28032,
    });
    const { createWebTicketHandler } = await import('./internals.js');
    const { directory } = await import('./support.js');
    const evil = createWebTicketHandler({
      serviceUrl: SERVICE,
      signingKey: otherKey,
      certificate: otherCert,
      poolKey,
      farm: ['https://pool0.example.com/'],
      userDirectory: directory(),
      clock,
    });
    const res = await evil(post('/Pin', rstEnvelope(), basic('1234', '12345')));
    const [r2] = parseRequestSecurityTokenResponseCollection(parseEnvelope(await res.text()).payload!);
    await expect(verifier().verify(serviceRequest(r2!.RequestedSecurityToken, r2!.AssertionId, computeProofKey(entropy, r2!.Entropy)))).rejects.toMatchObject({
      errorId: 28032,
    });
  });
  it('clock: ticket expired → 28033; timestamp stale → 28032', async () => {
    const { rstr, proofKey } = await obtain();
    const later = new Date(T0.getTime() + 900_000 + 300_000);
    const req = serviceRequest(rstr.RequestedSecurityToken, rstr.AssertionId, proofKey, new Date(later.getTime() - 10_000));
    await expect(verifier({ clock: () => later }).verify(req)).rejects.toMatchObject({
      code: 'ERR_WSTRUST_TICKET_EXPIRED',
      errorId: 28033,
      finding: { id: 'webticket.28033', specSection: 'MS-OCAUTHWS 3.2 (sending the Web ticket as credentials)' },
    });
    const fresh = serviceRequest(rstr.RequestedSecurityToken, rstr.AssertionId, proofKey);
    await expect(verifier({ clock: () => new Date(T0.getTime() + 700_000) }).verify(fresh)).rejects.toMatchObject({
      errorId: 28032,
      cause: { code: 'ERR_WSTRUST_TIMESTAMP_EXPIRED' },
    });
  });
  it('proof ticket presented at another server (different pool key) → 28034', async () => {
    const { rstr, proofKey } = await obtain();
    const other = new Uint8Array(32).fill(1);
    await expect(
      verifier({ poolKeys: [{ keyName: keyNameOf(other), key: other }] }).verify(serviceRequest(rstr.RequestedSecurityToken, rstr.AssertionId, proofKey)),
    ).rejects.toMatchObject({ errorId: 28034 });
  });
  it('audience mismatch → 28032; missing signature for a proof ticket → 28032', async () => {
    const { rstr, proofKey } = await obtain();
    await expect(
      verifier({ audience: 'https://pool1.example.com/svc' }).verify(serviceRequest(rstr.RequestedSecurityToken, rstr.AssertionId, proofKey)),
    ).rejects.toMatchObject({ errorId: 28032 });
    const unsigned = buildEnvelope({ headers: [`<o:Security xmlns:o="${NS.wsse}">${rstr.RequestedSecurityToken}</o:Security>`], body: '<x/>' });
    await expect(verifier().verify(unsigned)).rejects.toMatchObject({ errorId: 28032 });
  });
  it('verifyToken accepts the X-MS-WebTicket header form (signed token, non-web-service apps)', async () => {
    const { rstr } = await obtain();
    const v = await verifier().verifyToken(formatWebTicketHeaderValue(rstr.RequestedSecurityToken));
    expect(v.sipUri).toBe('sip:alice@example.com');
    await expect(verifier().verifyToken('opaque=@@')).rejects.toMatchObject({ errorId: 28032 });
  });
});

describe('verifier on foreign input', () => {
  it('the spec 4.3.1 request (a ticket from another issuer, unsigned Timestamp) is a typed 28032, not a crash', async () => {
    const { readFileSync } = await import('node:fs');
    const xml = readFileSync(new URL('../../../vectors/spec/4.3-create-auth-broker-session-request.xml', import.meta.url), 'utf8');
    const e = await verifier({ requireProofOfPossession: false })
      .verify(xml)
      .catch((x) => x);
    expect(e).toBeInstanceOf(TicketError);
    expect(e.errorId).toBe(28032);
    expect(e.message).toMatch(/DigestValue|trusted/);
  });
  it('garbage, empty and non-SOAP inputs are typed 28032', async () => {
    for (const input of ['', 'not xml', '<x/>', `<s:Envelope xmlns:s="${NS.soap11}"><s:Body/></s:Envelope>`]) {
      const e = await verifier()
        .verify(input)
        .catch((x) => x);
      expect(e, JSON.stringify(input)).toBeInstanceOf(TicketError);
      expect(e.errorId).toBe(28032);
    }
    for (const input of ['', 'opaque=', '<x', 'opaque=' + Buffer.from('<x/>').toString('base64')]) {
      const e = await verifier()
        .verifyToken(input)
        .catch((x) => x);
      expect(e, JSON.stringify(input)).toBeInstanceOf(TicketError);
    }
  });
});
