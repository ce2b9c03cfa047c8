// MS-OCAUTHWS 3.2 Web Ticket Service: RST/RSTR fields, ticket validation at participating services.
import { randomBytes } from 'node:crypto';
import { signMessage, URI } from '@ocauth/wstrust';
import { expectThat, manual } from '../context.js';
import type { Requirement } from '../requirements.js';
import {
  NS_WST13,
  one,
  dom,
  faultCodes,
  errorIdOf,
  firstRstr,
  policyKeySize,
  show,
  certProvEnvelope,
  signed,
  postCertProv,
  expectAuthRefused,
  RST_VIOLATIONS,
  rstField,
  clientSide,
  signedBrokerClient,
} from './common.js';

export const WEB_TICKET_CHECKS: readonly Requirement[] = [
  {
    id: 'OCAUTH-3.2.4.1-01',
    section: '3.2.4.1',
    level: 'MUST',
    text: 'Clients MUST authenticate to the Web Ticket Service using one of the following authentication protocols',
    async check(ctx) {
      const t = await ctx.ticket();
      expectThat(t.assertionXml.includes('Assertion'), 'expected a saml:Assertion for valid credentials');
      const bad = await ctx.issueRaw(ctx.rst().xml, { pin: ctx.target.pin ? '0000000000' : 'wrong-password-x' });
      expectThat(bad.status !== 200 && !bad.text.includes('RequestedSecurityToken'), `wrong credentials: expected no ticket, received ${show(bad)}`);
    },
  },
  {
    id: 'OCAUTH-3.2.4.1.3.4-01',
    section: '3.2.4.1.3.4',
    level: 'MUST',
    text: '/wst:RequestSecurityTokenResponse/@Context: A required attribute that MUST be set to the value from the corresponding request.',
    async check(ctx) {
      const { xml, context } = ctx.rst();
      const r = await ctx.issueRaw(xml);
      expectThat(r.status === 200, `RST: expected 200, received ${show(r)}`);
      const rstr = firstRstr(r);
      expectThat(rstr.Context === context, `@Context: expected ${context}, received ${rstr.Context}`);
    },
  },
  {
    id: 'OCAUTH-3.2.4.1.3.4-02',
    section: '3.2.4.1.3.4',
    level: 'MUST',
    text: '/wst:RequestSecuritytokenResponse/wst:TokenType: A required element that MUST be set to "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV1.1".',
    async check(ctx) {
      const r = await ctx.issueRaw(ctx.rst().xml);
      const rstr = firstRstr(r);
      expectThat(rstr.TokenType === URI.tokenTypeSaml11, `wst:TokenType: expected ${URI.tokenTypeSaml11}, received ${rstr.TokenType}`);
    },
  },
  {
    id: 'OCAUTH-3.2.4.1.3.4-03',
    section: '3.2.4.1.3.4',
    level: 'MUST',
    text: '/wst:RequestSecurityTokenResponse/wst:RequestedSecurityToken/saml:Assertion: A required element that MUST be returned.',
    async check(ctx) {
      const r = await ctx.issueRaw(ctx.rst().xml);
      const doc = dom(r.text);
      const rst = one(doc, NS_WST13, 'RequestedSecurityToken', 'wst:RequestedSecurityToken');
      one(rst, 'urn:oasis:names:tc:SAML:1.0:assertion', 'Assertion', 'wst:RequestedSecurityToken/saml:Assertion');
    },
  },
  {
    id: 'OCAUTH-3.2.4.1.3.4-04',
    section: '3.2.4.1.3.4',
    level: 'MUST',
    text: '/wst:RequestSecurityTokenResponse/wsp:AppliesTo/wsa:EndpointReference/wsa:Address: A required element that MUST be set to the URL of the HTTP URL of the server farm or service to which the ticket applies.',
    async check(ctx) {
      const r = await ctx.issueRaw(ctx.rst().xml);
      const rstr = firstRstr(r);
      expectThat(
        /^https?:\/\//.test(rstr.AppliesTo) && ctx.paths.certProv.toLowerCase().startsWith(rstr.AppliesTo.toLowerCase().replace(/\/$/, '')),
        `AppliesTo: expected a prefix of ${ctx.paths.certProv}, received ${rstr.AppliesTo}`,
      );
    },
  },
  {
    id: 'OCAUTH-3.2.4.1.3.4-05',
    section: '3.2.4.1.3.4',
    level: 'MUST',
    text: '/wst:RequestSecurityTokenResponse/wst:RequestedProofToken/wst:ComputedKey: This required element MUST be set to the element specified in the ComputedKeyAlgorithm element of the metadata',
    async check(ctx) {
      const r = await ctx.issueRaw(ctx.rst().xml);
      const rstr = firstRstr(r);
      expectThat(rstr.ComputedKey === URI.computedKeyPsha1, `wst:ComputedKey: expected ${URI.computedKeyPsha1}, received ${rstr.ComputedKey}`);
    },
  },
  {
    id: 'OCAUTH-3.2.4.1.3.4-06',
    section: '3.2.4.1.3.4',
    level: 'SHOULD',
    text: '/wst:RequestSecurityTokenResponse/wst:Entropy/wst:BinarySecret: ... The size of the element SHOULD be the same as the KeySize specified in the WS-Policy',
    async check(ctx) {
      const key = await policyKeySize(ctx);
      const r = await ctx.issueRaw(ctx.rst().xml);
      const rstr = firstRstr(r);
      expectThat(
        rstr.Entropy.length * 8 === key.bits,
        `server entropy: expected ${key.bits} bits (the key size of ${key.from}), received ${rstr.Entropy.length * 8}`,
      );
      return `server entropy ${rstr.Entropy.length * 8} bits = ${key.from}`;
    },
  },
  {
    id: 'OCAUTH-3.2.4.1.3.4-07',
    section: '3.2.4.1.3.4',
    level: 'MUST',
    text: '/wst:RequestSecurityTokenResponse/wst:Lifetime/wsu:Expires: A required element that indicates the UTC time when the token expires.',
    async check(ctx) {
      const r = await ctx.issueRaw(ctx.rst().xml);
      const rstr = firstRstr(r);
      const exp = Date.parse(rstr.Lifetime.Expires);
      expectThat(/Z$/.test(rstr.Lifetime.Expires) && exp > Date.now(), `wsu:Expires: expected a future UTC time, received ${rstr.Lifetime.Expires}`);
    },
  },
  {
    id: 'OCAUTH-3.2.4.1.3.3-01',
    section: '3.2.4.1.3.3',
    level: 'MUST',
    text: 'The server MUST validate that this address is part of the server farm.',
    async check(ctx) {
      const r = await ctx.issueRaw(ctx.rst({ AppliesTo: 'https://evil.example.invalid/CertProv/CertProvisioningService.svc' }).xml);
      expectThat(r.status !== 200 && !r.text.includes('RequestedSecurityToken'), `AppliesTo outside the farm: expected a fault, received ${show(r)}`);
    },
  },
  {
    id: 'OCAUTH-3.2.4.1.3.3-02',
    section: '3.2.4.1.3.3',
    level: 'SHOULD',
    text: 'If any one of the above required elements is not supplied or the element syntax does not conform to the syntax requirement specified in this section, the server SHOULD respond with a fault message carrying fault code wst:InvalidRequest',
    async check(ctx) {
      const bad: string[] = [];
      for (const [name, make] of Object.entries(RST_VIOLATIONS)) {
        const xml = make(ctx);
        const r = await ctx.issueRaw(xml);
        if (!faultCodes(r.text).some((c) => /InvalidRequest$/.test(c))) bad.push(`${name}: ${show(r)}`);
      }
      expectThat(bad.length === 0, `expected wst:InvalidRequest for: ${bad.join('; ')}`);
    },
  },
  {
    id: 'OCAUTH-3.2.4.1.3.3-03',
    section: '3.2.4.1.3.3',
    level: 'MUST',
    text: 'If this element is included, the SIP URI MUST match the credentials submitted with the RST.',
    async check(ctx) {
      const r = await ctx.issueRaw(
        ctx.rst({ Claims: { Dialect: URI.claimsDialect, ClaimTypes: [{ Uri: URI.claimTypeUri, Value: 'sip:mallory@contoso.invalid' }] } }).xml,
      );
      expectThat(!r.text.includes('RequestedSecurityToken'), `claims for another SIP URI: expected no ticket, received ${show(r)}`);
    },
  },
  {
    id: 'OCAUTH-3.2.4.1.3.3-04',
    section: '3.2.4.1.3.3',
    level: 'SHOULD',
    text: 'If the SIP URI does not match the credentials, the server SHOULD respond with a fault message carrying fault code wst:RequestFailed',
    async check(ctx) {
      const r = await ctx.issueRaw(
        ctx.rst({ Claims: { Dialect: URI.claimsDialect, ClaimTypes: [{ Uri: URI.claimTypeUri, Value: 'sip:mallory@contoso.invalid' }] } }).xml,
      );
      expectThat(
        faultCodes(r.text).some((c) => /RequestFailed$/.test(c)),
        `expected wst:RequestFailed, received ${show(r)}`,
      );
    },
  },
  {
    id: 'OCAUTH-3.2.4.1.3.3-05',
    section: '3.2.4.1.3.3',
    level: 'SHOULD',
    text: 'If the element is not included, the server SHOULD use the credentials submitted with the RST to determine the SIP URI.',
    async check(ctx) {
      const r = await ctx.issueRaw(ctx.rst().xml);
      expectThat(r.status === 200, `RST without Claims: expected a ticket, received ${show(r)}`);
      const user = ctx.requireUser().replace(/^sip:/i, '').toLowerCase();
      expectThat(r.text.toLowerCase().includes(user), `ticket: expected it to name ${user}`);
    },
  },
  {
    id: 'OCAUTH-3.2.4.1.3.3-06',
    section: '3.2.4.1.3.3',
    level: 'SHOULD',
    text: 'The key size MUST be obtained from the WS-Policy ... for the Web Ticket Service and SHOULD NOT be less than 128 bits.',
    async check(ctx) {
      // The 6.2 WSDL carries no wst:KeySize: the key size is its algorithm suite's (Basic256: 256 bits).
      const key = await policyKeySize(ctx);
      expectThat(key.bits >= 128, `WS-Policy key size: expected >= 128 bits, received ${key.bits} (${key.from})`);
      // The key the service computes is as strong as its own contribution: its entropy must be the key size.
      const rstr = firstRstr(await ctx.issueRaw(ctx.rst().xml));
      expectThat(
        rstr.Entropy.length * 8 >= key.bits,
        `server entropy: expected the ${key.bits}-bit key size (${key.from}), received ${rstr.Entropy.length * 8} bits`,
      );
      return `${key.from}; server entropy ${rstr.Entropy.length * 8} bits`;
    },
  },
  {
    id: 'OCAUTH-3.2-TICKET-01',
    section: '3.2',
    level: 'MUST',
    text: 'The Web ticket, or SAML token, used to construct the base64-ticket MUST be a signed security token, as specified in [WS-Trust1.3].',
    async check(ctx) {
      const t = await ctx.ticket();
      const doc = dom(t.assertionXml);
      const sig = one(doc, 'http://www.w3.org/2000/09/xmldsig#', 'Signature', 'saml:Assertion/ds:Signature');
      one(sig, 'http://www.w3.org/2000/09/xmldsig#', 'SignatureValue', 'ds:SignatureValue');
    },
  },
  {
    id: 'OCAUTH-3.2-TICKET-02',
    section: '3.2',
    level: 'SHOULD',
    text: 'If the Web ticket fails validation, OCSDiagnosticsFaultType, as described in section 2.2.4.1, SHOULD be returned. ... 28032 The Web ticket is invalid.',
    async check(ctx) {
      const { unsigned } = await certProvEnvelope(ctx);
      const r = await postCertProv(ctx, await signed(ctx, unsigned, { proofKey: randomBytes(32) }));
      expectAuthRefused(r, 'wrong proof key');
      expectThat(errorIdOf(r) === 28032, `expected ErrorId 28032, received ${errorIdOf(r)} (${show(r)})`);
    },
  },
  {
    id: 'OCAUTH-3.2-TICKET-03',
    section: '3.2',
    level: 'SHOULD',
    text: 'wsse:InvalidSecurityToken 28033 The Web ticket has expired.',
    async check(ctx) {
      const clk = ctx.target.clock;
      if (!clk)
        manual(
          "needs a ticket that outlived its Lifetime and a fresh request around it: the pool's clock cannot be moved and waiting for expiry does not fit a run",
        );
      const t = await ctx.client(ctx.anyCredentials(), { sipUri: ctx.requireUser() }).requestTicket(ctx.paths.certProv, ctx.paths.webTicket);
      const notOnOrAfter = Date.parse(/NotOnOrAfter="([^"]+)"/.exec(t.assertionXml)?.[1] ?? '');
      expectThat(Number.isFinite(notOnOrAfter), 'ticket: expected saml:Conditions/@NotOnOrAfter');
      // Move the server's clock an hour past the ticket's end (beyond any clock skew); the request's
      // Timestamp is fresh on that clock, so only the ticket has expired.
      const moved = notOnOrAfter - clk.now().getTime() + 3600_000;
      clk.advance(moved);
      try {
        const { unsigned } = await certProvEnvelope(ctx);
        const r = await postCertProv(
          ctx,
          signMessage({ envelope: unsigned, proofKey: t.proofKey, assertionId: t.assertionId, token: t.assertionXml, now: clk.now() }),
        );
        expectAuthRefused(r, 'expired web ticket');
        expectThat(errorIdOf(r) === 28033, `expired web ticket: expected ErrorId 28033, received ${errorIdOf(r)} (${show(r)})`);
        return 'ErrorId 28033';
      } finally {
        clk.advance(-moved);
      }
    },
  },
  {
    id: 'OCAUTH-3.2-TICKET-04',
    section: '3.2',
    level: 'MUST',
    text: 'After the client receives a Web ticket from the Web Ticket Service, the client MUST attach the Web ticket, as it would a SAML token, to its requests to a participating Web service.',
    async check(ctx) {
      const { unsigned } = await certProvEnvelope(ctx);
      const r = await postCertProv(ctx, unsigned);
      expectAuthRefused(r, 'GetAndPublishCert without a web ticket');
      const url = r.headers.get('x-ms-webticketurl');
      return url ? `401 names X-MS-WebTicketURL ${url}` : undefined;
    },
  },
  {
    id: 'OCAUTH-3.2-TICKET-05',
    section: '3.2',
    level: 'MUST',
    text: 'If the Web ticket fails validation, an error response MUST be returned with an HTTP extension header called X-Ms-diagnostics',
    async check(ctx) {
      // Autodiscover's User resource is a non-Web-service application taking X-MS-WebTicket (1.3.1, 1.5):
      // a genuine ticket with its subject altered (its signature no longer verifies) must be refused with X-Ms-diagnostics.
      const t = await ctx.ticket();
      const forged = t.assertionXml.replace(/(NameIdentifier[^>]*>)[^<]+/, '$1sip:mallory@contoso.invalid');
      const r = await ctx.fetch(`${ctx.paths.autodiscover}/user`, {
        headers: { 'x-ms-webticket': `opaque=${Buffer.from(forged).toString('base64')}`, accept: 'application/vnd.microsoft.rtc.autodiscover+xml' },
      });
      const body = await r.text();
      const raw = { status: r.status, headers: r.headers, text: body };
      expectThat(r.status === 401 || r.status === 403, `Autodiscover …/root/user with an invalid X-MS-WebTicket: expected a refusal, received ${show(raw)}`);
      const diag = r.headers.get('x-ms-diagnostics');
      expectThat(
        diag && /^\s*\d+\s*(;|$)/.test(diag),
        `refused X-MS-WebTicket: expected an X-Ms-diagnostics header (ErrorId;source;reason), received ${diag === null ? 'none' : JSON.stringify(diag)}`,
      );
      return `X-Ms-diagnostics: ${diag}`;
    },
  },
  {
    id: 'OCAUTH-3.2-TICKET-06',
    section: '3.2',
    level: 'SHOULD',
    text: 'wsse:InvalidSecurityToken 28034 Proof Web tickets are only valid at the same Web server where they were requested.',
    async check(ctx) {
      if (!ctx.target.otherWebServer) manual('needs a proof ticket from another Web server of the pool; give none for a real pool');
      const { webTicketUrl } = await ctx.target.otherWebServer();
      const t = await ctx.client(ctx.anyCredentials(), { sipUri: ctx.requireUser() }).requestTicket(ctx.paths.certProv, webTicketUrl);
      const { unsigned } = await certProvEnvelope(ctx);
      const r = await postCertProv(
        ctx,
        signMessage({ envelope: unsigned, proofKey: t.proofKey, assertionId: t.assertionId, token: t.assertionXml, now: new Date() }),
      );
      expectAuthRefused(r, 'proof ticket of another Web server');
      expectThat(errorIdOf(r) === 28034, `expected ErrorId 28034, received ${errorIdOf(r)} (${show(r)})`);
    },
  },
  {
    id: 'OCAUTH-3.2.1-01',
    section: '3.2.1',
    level: 'SHOULD',
    text: 'Fully Qualified Domain Name of the Web Server Farm: This fully qualified domain name (FQDN) is used to verify the address in the wst:RequestSecurityToken/wsp:AppliesTo/wsa10:EndpointReference/wsa10:Address element of the RST.',
    async check(ctx) {
      const farm = new URL(ctx.target.baseUrl);
      const inFarm = await ctx.issueRaw(ctx.rst({ AppliesTo: `${farm.origin}/Reach/Sip.svc/AuthBroker` }).xml);
      expectThat(inFarm.status === 200, `AppliesTo on the farm FQDN: expected a ticket, received ${show(inFarm)}`);
      const other = await ctx.issueRaw(
        ctx.rst({ AppliesTo: `${farm.protocol}//farm.example.invalid${farm.port ? `:${farm.port}` : ''}/CertProv/CertProvisioningService.svc` }).xml,
      );
      expectThat(other.status !== 200, `AppliesTo on another FQDN (same port and path): expected a fault, received ${show(other)}`);
    },
  },
  {
    id: 'OCAUTH-3.2.4.1-02',
    section: '3.2.4.1',
    level: 'MUST',
    text: 'If Integrated Windows authentication fails, the errors defined in section 3.2.4.1 are returned. ... If validation of OAuth2 token fails, the errors defined in section 3.2.4.1 are returned.',
    async check(ctx) {
      const r = await ctx.issueRaw(ctx.rst().xml, { pin: ctx.target.pin ? '0000000000' : 'wrong-password-x' });
      const id = errorIdOf(r);
      expectThat(
        id !== undefined && id >= 28000 && id <= 28035,
        `failed authentication: expected an ErrorId of 3.2.4.1 (28000–28035) in X-Ms-diagnostics or the fault, received ${show(r)}`,
      );
      return `ErrorId ${id}`;
    },
  },
  rstField('07', '@Context not a UUID', '/wst:RequestSecurityToken/@Context: A required attribute that MUST be set to a universally unique identifier (UUID).'),
  rstField(
    '08',
    'TokenType not SAMLV1.1',
    '/wst:RequestSecuritytoken/wst:TokenType: A required element that MUST be set to "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV1.1".',
  ),
  rstField(
    '09',
    'RequestType not Issue',
    '/wst:RequestSecurityToken/wst:RequestType: A required element that MUST be set to "http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue".',
  ),
  rstField(
    '10',
    'no wsp:AppliesTo',
    '/wst:RequestSecurityToken/wsp:AppliesTo/wsa:EndpointReference/wsa:Address: A required element that MUST be set to the HTTP URL of the service for which the token is being requested.',
  ),
  rstField(
    '11',
    'KeyType not SymmetricKey',
    '/wst:RequestSecuritytoken/wst:KeyType: A required element that MUST be set to "http://docs.oasis-open.org/ws-sx/ws-trust/200512/SymmetricKey".',
  ),
  rstField(
    '12',
    'Claims Dialect not authclaims',
    '/wst:RequestSecuritytoken/wst:Claims: An optional element representing a specific claim. Its Dialect attribute MUST be set to "urn:component:Microsoft.Rtc.WebAuthentication.2010:authclaims".',
  ),
  rstField(
    '13',
    'ClaimType Uri not .../claims/uri',
    '/wst:RequestSecuritytoken/wst:Claims/auth:ClaimType: ... If this element is present, its Uri attribute MUST be set to "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/uri".',
  ),
  rstField(
    '14',
    'no wst:Entropy',
    "/wst:RequestSecurityToken/wst:Entropy/wst:BinarySecret: This required element specifies a base64 encoded sequence of cryptographically random octets representing the requestor's entropy.",
  ),
  clientSide(
    'OCAUTH-3.2.4.1.3.3-15',
    '3.2.4.1.3.3',
    'SHOULD',
    'The entropy size SHOULD be the same size as the key size.',
    'the runner sends 256-bit entropy for the 256-bit default key',
  ),
  clientSide(
    'OCAUTH-3.2.4.1.3.4-09',
    '3.2.4.1.3.4',
    'SHOULD',
    'This element and its contents SHOULD be treated as an opaque XML token by the User Agent.',
    'the @ocauth/wstrust client keeps the assertion as received',
  ),
  {
    id: 'OCAUTH-3.2.4.1.3.4-08',
    section: '3.2.4.1.3.4',
    level: 'SHOULD',
    text: 'Clients SHOULD perform a prefix match on this URL to determine which services the ticket applies to.',
    async check(ctx) {
      const t = await ctx.ticket();
      if (!ctx.paths.authBroker.toLowerCase().startsWith(t.appliesTo.toLowerCase().replace(/\/?$/, '/')))
        manual(`the ticket applies to ${t.appliesTo} only; no second service to reuse it at`);
      // The prefix rule, seen from the server side: a ticket whose AppliesTo prefixes the broker's URL is accepted there.
      const c = signedBrokerClient(ctx, t);
      const { sessionId } = await c.createSession();
      await c.terminateSession(sessionId);
      return `ticket for ${t.appliesTo} accepted by the Authentication Broker`;
    },
  },
  clientSide(
    'OCAUTH-3.2-CLIENT-01',
    '3.2',
    'MUST',
    'After the client receives a Web ticket from the Web Ticket Service, the client MUST send the Web ticket in an HTTP header extension in its request to participating non-Web services.',
    'formatWebTicketHeader in @ocauth/diagnostics / WebTicketClient.headerValue',
  ),
];
