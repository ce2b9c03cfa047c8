import { describe, expect, it } from 'vitest';
import {
  NS,
  URI,
  buildEnvelope,
  buildAddressingHeaders,
  buildAddressingNoneHeaders,
  buildRequestSecurityToken,
  parseEnvelope,
  parseRequestSecurityTokenResponseCollection,
  createTicketVerifier,
  computeProofKey,
  signMessage,
} from './internals.js';
import { issuerCert, makeHandler, poolKey, SERVICE } from './support.js';

const T = new Date('2026-03-01T10:00:00Z');
const rst = (r?: Partial<Parameters<typeof buildRequestSecurityToken>[0]>) =>
  buildRequestSecurityToken({
    Context: '2fdf3b92-4341-4eeb-b898-44ef4994cd55',
    TokenType: URI.tokenTypeSaml11,
    RequestType: URI.requestTypeIssue2005,
    AppliesTo: 'https://pool0.example.com/x',
    Entropy: new Uint8Array(32).fill(9),
    KeyType: URI.keyTypeSymmetric,
    ...r,
  });
const basic = { authorization: 'Basic ' + Buffer.from('1234:12345').toString('base64') };

describe('SOAP 1.2 and addressing/none', () => {
  it('a SOAP 1.2 RST gets a SOAP 1.2 RSTRC; a SOAP 1.2 error gets a SOAP 1.2 Fault with Subcode and OCSDiagnosticsFault', async () => {
    const h = makeHandler(() => T);
    const env = buildEnvelope({ version: '1.2', headers: buildAddressingHeaders({ action: URI.actionRstIssue, messageId: 'urn:uuid:9' }), body: rst() });
    const res = await h(new Request(SERVICE + '/Pin', { method: 'POST', body: env, headers: basic }));
    expect(res.headers.get('content-type')).toContain('application/soap+xml');
    const p = parseEnvelope(await res.text());
    expect(p.version).toBe('1.2');
    expect(parseRequestSecurityTokenResponseCollection(p.payload!)).toHaveLength(1);
    const claim = rst({ Claims: { Dialect: URI.claimsDialect, ClaimTypes: [{ Uri: URI.claimTypeUri, Value: 'sip:eve@example.com' }] } });
    const bad = await h(new Request(SERVICE + '/Pin', { method: 'POST', body: buildEnvelope({ version: '1.2', body: claim }), headers: basic }));
    const t = await bad.text();
    expect(t).toContain(`<s:Envelope xmlns:s="${NS.soap12}">`);
    expect(t).toContain('<s:Value>s:Sender</s:Value><s:Subcode><s:Value xmlns:wst="' + NS.trust + '">wst:RequestFailed</s:Value></s:Subcode>');
    expect(t).toContain('<af:ErrorId>28035</af:ErrorId>');
  });
  it('To/Action in the addressing/none namespace (spec 4.1 style) are read', () => {
    const p = parseEnvelope(
      buildEnvelope({
        headers: buildAddressingNoneHeaders({
          to: 'https://server.contoso.com/CertProv/CertProvisioningService.svc',
          action: 'http://schemas.microsoft.com/OCS/AuthWebServices/GetAndPublishCert',
        }),
        body: '<x/>',
      }),
    );
    expect(p.addressing.to).toBe('https://server.contoso.com/CertProv/CertProvisioningService.svc');
    expect(p.addressing.action).toBe('http://schemas.microsoft.com/OCS/AuthWebServices/GetAndPublishCert');
  });
  it('verifier accepts the single-value option forms (issuerCertificate, proofKeyDecryptionKey)', async () => {
    const h = makeHandler(() => T);
    const entropy = new Uint8Array(32).fill(9);
    const res = await h(new Request(SERVICE + '/Pin', { method: 'POST', body: buildEnvelope({ body: rst() }), headers: basic }));
    const [r] = parseRequestSecurityTokenResponseCollection(parseEnvelope(await res.text()).payload!);
    const v = createTicketVerifier({ issuerCertificate: issuerCert, proofKeyDecryptionKey: poolKey, clock: () => T });
    const msg = signMessage({
      envelope: buildEnvelope({ body: '<x/>' }),
      proofKey: computeProofKey(entropy, r!.Entropy),
      assertionId: r!.AssertionId,
      token: r!.RequestedSecurityToken,
      now: T,
    });
    expect((await v.verify(msg)).sipUri).toBe('sip:alice@example.com');
  });
});

describe('ticket as a signed supporting token (no proof signature), e.g. the Authentication Broker', () => {
  it('accepted only with requireProofOfPossession: false; a present but bad signature still fails', async () => {
    const h = makeHandler(() => T);
    const res = await h(new Request(SERVICE + '/Pin', { method: 'POST', body: buildEnvelope({ body: rst() }), headers: basic }));
    const [r] = parseRequestSecurityTokenResponseCollection(parseEnvelope(await res.text()).payload!);
    const unsigned = buildEnvelope({ headers: [`<o:Security xmlns:o="${NS.wsse}">${r!.RequestedSecurityToken}</o:Security>`], body: '<x/>' });
    await expect(
      createTicketVerifier({ issuerCertificate: issuerCert, proofKeyDecryptionKey: poolKey, clock: () => T }).verify(unsigned),
    ).rejects.toMatchObject({ errorId: 28032 });
    const lax = createTicketVerifier({ issuerCertificate: issuerCert, proofKeyDecryptionKey: poolKey, clock: () => T, requireProofOfPossession: false });
    expect((await lax.verify(unsigned)).sipUri).toBe('sip:alice@example.com');
    const badSig = signMessage({
      envelope: buildEnvelope({ body: '<x/>' }),
      proofKey: new Uint8Array(32),
      assertionId: r!.AssertionId,
      token: r!.RequestedSecurityToken,
      now: T,
    });
    await expect(lax.verify(badSig)).rejects.toMatchObject({ errorId: 28032 });
  });
});
