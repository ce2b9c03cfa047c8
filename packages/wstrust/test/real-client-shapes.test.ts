// IssueToken requests shaped like the Lync 2013 / Skype for Business desktop client's (issue 15): the
// structure of the public captures, written here byte by byte (not copied): .NET XmlSerializer style with
// default namespaces (`<Security xmlns="…secext…">`, `<RequestSecurityToken xmlns="…/200512">` declaring
// xsi/xsd), Context a GUID, AppliesTo in WS-Policy 2004/09, a requested Lifetime with wsu Created/Expires,
// RequestType of WS-Trust 2005/02, `User-Agent: UCCAPI/… OC/…`, `Content-Type: text/xml; charset=utf-8`
// and no SOAPAction. The UsernameToken here is plain text (the base64 form is decoded in authenticate()).
import { describe, expect, it } from 'vitest';
import { createTicketVerifier, parseCompactTicketResponse, parseEnvelope, parseRequestSecurityTokenResponseCollection, URI, NS } from './internals.js';
import { parseSoapFault } from '@ocauth/diagnostics';
import { issuerCert, makeHandler, poolKey, SERVICE } from './support.js';

const T0 = new Date('2026-03-01T10:00:00.000Z');
const clock = () => T0;
const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const UA = 'UCCAPI/15.0.4420.1017 OC/15.0.4420.1017 (Microsoft Lync)';

function lyncRequest(
  o: {
    tokenType?: string;
    user?: string;
    password?: string;
    minutes?: number;
    created?: Date;
    context?: string;
    appliesTo?: string;
    entropy?: boolean;
    claim?: string;
    keyType?: string;
  } = {},
): string {
  const created = o.created ?? T0;
  const expires = new Date(created.getTime() + (o.minutes ?? 15) * 60_000);
  return (
    `<?xml version="1.0" encoding="utf-8"?>\r\n` +
    `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">\r\n` +
    `  <s:Header>\r\n` +
    `    <Security s:mustUnderstand="1" xmlns:u="${NS.wsu}" xmlns="${NS.wsse}">\r\n` +
    `      <UsernameToken>\r\n` +
    `        <Username>${o.user ?? 'EXAMPLE\\alice'}</Username>\r\n` +
    `        <Password Type="${URI.passwordText}">${o.password ?? 'correct horse'}</Password>\r\n` +
    `      </UsernameToken>\r\n` +
    `    </Security>\r\n` +
    `  </s:Header>\r\n` +
    `  <s:Body>\r\n` +
    `    <RequestSecurityToken xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" Context="${o.context ?? '9E3C4A1F-6B2D-4E8A-B0C7-5D1F2A3B4C6E'}" xmlns="http://docs.oasis-open.org/ws-sx/ws-trust/200512">\r\n` +
    `      <TokenType>${o.tokenType ?? URI.tokenTypeCwt}</TokenType>\r\n` +
    `      <RequestType>http://schemas.xmlsoap.org/ws/2005/02/trust/Issue</RequestType>\r\n` +
    `      <AppliesTo xmlns="http://schemas.xmlsoap.org/ws/2004/09/policy">\r\n` +
    `        <EndpointReference xmlns="http://www.w3.org/2005/08/addressing">\r\n` +
    `          <Address>${o.appliesTo ?? 'https://pool0.example.com/WebTicket/WebTicketService.svc/Auth'}</Address>\r\n` +
    `        </EndpointReference>\r\n` +
    `      </AppliesTo>\r\n` +
    (o.claim
      ? `      <Claims Dialect="${URI.claimsDialect}" xmlns:auth="${NS.auth}"><auth:ClaimType Uri="${URI.claimTypeUri}" Optional="false"><auth:Value>${o.claim}</auth:Value></auth:ClaimType></Claims>\r\n`
      : '') +
    `      <Lifetime>\r\n` +
    `        <Created xmlns="${NS.wsu}">${iso(created)}</Created>\r\n` +
    `        <Expires xmlns="${NS.wsu}">${iso(expires)}</Expires>\r\n` +
    `      </Lifetime>\r\n` +
    (o.entropy ? `      <Entropy><BinarySecret>${Buffer.alloc(32, 7).toString('base64')}</BinarySecret></Entropy>\r\n` : '') +
    `      <KeyType>${o.keyType ?? 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/SymmetricKey'}</KeyType>\r\n` +
    `    </RequestSecurityToken>\r\n` +
    `  </s:Body>\r\n` +
    `</s:Envelope>`
  );
}
const send = (h: ReturnType<typeof makeHandler>, body: string, extra: Record<string, string> = {}) =>
  h(new Request(SERVICE + '/Auth', { method: 'POST', body, headers: { 'content-type': 'text/xml; charset=utf-8', 'user-agent': UA, ...extra } }));
const verifier = (now = new Date(T0.getTime() + 60_000)) =>
  createTicketVerifier({
    issuerCertificates: [issuerCert],
    poolKeys: [poolKey],
    clock: () => now,
    audience: ['https://pool0.example.com/Autodiscover/AutodiscoverService.svc/root'],
  });

describe('Lync 2013 / SfB desktop IssueToken shapes on /Auth', () => {
  it('CWT request (no Entropy, 15-minute Lifetime, 2005/02 RequestType, no SOAPAction) → compact ticket granted for 15 minutes', async () => {
    const res = await send(makeHandler(clock), lyncRequest());
    const text = await res.text();
    expect(res.status, text).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    const r = parseCompactTicketResponse(parseEnvelope(text).payload!);
    expect(r.Context).toBe('9E3C4A1F-6B2D-4E8A-B0C7-5D1F2A3B4C6E');
    expect(r.TokenType).toBe(URI.tokenTypeCwt);
    expect(r.AppliesTo).toBe('https://pool0.example.com/');
    expect(r.Lifetime).toEqual({ Created: T0.toISOString(), Expires: new Date(T0.getTime() + 900_000).toISOString() });
    expect(r.token).toMatch(/^[A-Za-z0-9_-]{100,300}$/);
    expect(text).not.toContain('RequestedProofToken');
    expect(text).not.toContain('saml:Assertion');
    const v = await verifier().verifyToken(`cwt=${r.token}`);
    expect(v).toMatchObject({ sipUri: 'sip:alice@example.com', kind: 'cwt', audience: 'https://pool0.example.com/' });
    expect(v.notOnOrAfter.getTime() - v.notBefore.getTime()).toBe(900_000);
    expect((await verifier().verifyToken(`Bearer cwt=${r.token}`)).sipUri).toBe('sip:alice@example.com');
    await expect(verifier(new Date(T0.getTime() + 901_000 + 300_000)).verifyToken(`cwt=${r.token}`)).rejects.toMatchObject({
      code: 'ERR_WSTRUST_TICKET_EXPIRED',
    });
  });

  it('the requested Lifetime is honoured within policy, never beyond the maximum', async () => {
    const granted = async (minutes: number, headers: Record<string, string> = {}) => {
      const res = await send(makeHandler(clock), lyncRequest({ minutes }), headers);
      const r = parseCompactTicketResponse(parseEnvelope(await res.text()).payload!);
      const v = await verifier().verifyToken(`cwt=${r.token}`);
      const s = (Date.parse(r.Lifetime.Expires) - Date.parse(r.Lifetime.Created)) / 1000;
      expect(s, 'RSTR Lifetime = token lifetime').toBe((v.notOnOrAfter.getTime() - v.notBefore.getTime()) / 1000);
      return s;
    };
    expect(await granted(5)).toBe(300);
    expect(await granted(60)).toBe(900); // public computer: 15 minutes at most
    expect(await granted(24 * 60, { 'x-ms-computer-type': 'private' })).toBe(28_800);
    expect(await granted(60, { 'x-ms-computer-type': 'private' })).toBe(3600);
  });

  it('a Lifetime that has already expired, or Expires before Created, is wst:InvalidRequest', async () => {
    for (const body of [
      lyncRequest({ created: new Date(T0.getTime() - 3_600_000) }),
      lyncRequest().replace(/<Expires xmlns="[^"]+">[^<]+</, `<Expires xmlns="${NS.wsu}">2026-03-01T09:00:00Z<`),
      lyncRequest().replace(/(<Created xmlns="[^"]+">)[^<]+/, '$1yesterday'),
    ]) {
      const res = await send(makeHandler(clock), body);
      const text = await res.text();
      expect(res.status).toBe(500);
      const f = parseSoapFault(text);
      expect(f.ok && f.value.faultcode).toMatch(/InvalidRequest$/);
      expect(text).toMatch(/wst:Lifetime|wst:RequestSecurityToken\/wst:Lifetime/);
    }
  });

  it('the same XmlSerializer shape asking for SAML 1.1 (with Entropy) → holder-of-key ticket, Lifetime granted within policy', async () => {
    const res = await send(makeHandler(clock), lyncRequest({ tokenType: URI.tokenTypeSaml11, entropy: true, minutes: 10 }));
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const [r] = parseRequestSecurityTokenResponseCollection(parseEnvelope(text).payload!);
    expect(r!.Lifetime).toEqual({ Created: T0.toISOString(), Expires: new Date(T0.getTime() + 600_000).toISOString() });
    expect(r!.ComputedKey).toBe(URI.computedKeyPsha1);
  });

  it('a SAML request without Entropy is still refused (holder-of-key needs it); a CWT request with Entropy ignores it', async () => {
    const bad = await send(makeHandler(clock), lyncRequest({ tokenType: URI.tokenTypeSaml11 }));
    expect(bad.status).toBe(500);
    expect(await bad.text()).toContain('wst:Entropy');
    const ok = await send(makeHandler(clock), lyncRequest({ entropy: true, keyType: 'http://schemas.xmlsoap.org/ws/2005/02/trust/SymmetricKey' }));
    expect(ok.status).toBe(200);
    const keyType = await send(makeHandler(clock), lyncRequest({ keyType: 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/PublicKey' }));
    expect(keyType.status).toBe(500);
    expect(await keyType.text()).toContain('wst:KeyType');
  });

  it('a claimed SIP URI that is not the authenticated user → wst:RequestFailed 28035; a disabled user gets no ticket', async () => {
    const res = await send(makeHandler(clock), lyncRequest({ claim: 'sip:mallory@example.com' }));
    expect(res.status).toBe(500);
    expect(await res.text()).toContain('RequestFailed');
    const same = await send(makeHandler(clock), lyncRequest({ claim: 'sip:Alice@example.com' }));
    expect(same.status).toBe(200);
    const off = await send(makeHandler(clock), lyncRequest({ user: 'EXAMPLE\\bob', password: 'pw' }));
    expect(off.status).toBe(500);
    expect(await off.text()).not.toContain('BinarySecurityToken');
  });

  it('Context: a GUID in any case, in braces or as urn:uuid is echoed; anything else is wst:InvalidRequest', async () => {
    for (const ctx of ['9e3c4a1f-6b2d-4e8a-b0c7-5d1f2a3b4c6e', '{9E3C4A1F-6B2D-4E8A-B0C7-5D1F2A3B4C6E}', 'urn:uuid:9e3c4a1f-6b2d-4e8a-b0c7-5d1f2a3b4c6e']) {
      const res = await send(makeHandler(clock), lyncRequest({ context: ctx }));
      const text = await res.text();
      expect(res.status, ctx).toBe(200);
      expect(parseCompactTicketResponse(parseEnvelope(text).payload!).Context).toBe(ctx);
    }
    for (const ctx of ['9E3C4A1F6B2D4E8AB0C75D1F2A3B4C6E', '{9E3C4A1F-6B2D-4E8A-B0C7-5D1F2A3B4C6E', 'request-1']) {
      const res = await send(makeHandler(clock), lyncRequest({ context: ctx }));
      expect(res.status, ctx).toBe(500);
      expect(await res.text()).toContain('@Context');
    }
  });

  it('an AppliesTo outside the farm gets no ticket', async () => {
    const res = await send(makeHandler(clock), lyncRequest({ appliesTo: 'https://evil.example.net/WebTicket/WebTicketService.svc/Auth' }));
    expect(res.status).toBe(500);
    expect(await res.text()).toContain('wsp:AppliesTo');
  });
});
