// MS-OCAUTHWS 3.2 OAuth2 token validation and the 3.2.4.1 error tables (Integrated Windows
// authentication, Live ID / security token SOAP faults, internal failures), plus the
// 3.1.4.1.4.1 ResponseCode meanings no other check provokes. Answers are read here (raw header and body).
import { randomUUID, sign, type KeyObject } from 'node:crypto';
import { buildAddressingHeaders, buildEnvelope, URI } from '@ocauth/wstrust';
import { generateCsr } from '@ocauth/certprov';
import { esc, expectThat, manual, type RawResponse, type RunContext } from '../context.js';
import type { Requirement } from '../requirements.js';
import { certProvEnvelope, errorIdOf, expectErrorInfo, faultCodes, postCertProv, show, signed } from './common.js';

// ---- 3.2 OAuth2 -----------------------------------------------------------------------------------------
const b64u = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
/** A JWT of the shape MS-OAUTH2EX describes (actor token inside), unsigned or with a made-up signature. */
function jwt(claims: Record<string, unknown>, alg = 'RS256'): string {
  return `${b64u({ alg, typ: 'JWT', x5t: 'bm90LWEtdHJ1c3RlZC1hdXRob3JpdHk' })}.${b64u(claims)}.${alg === 'none' ? '' : Buffer.from('not a signature of a trusted Authorization Server').toString('base64url')}`;
}
const SERVER_ID = '00000004-0000-0ff1-ce00-000000000000';
const AS_ID = '00000001-0000-0000-c000-000000000000';
/** Tokens each breaking one rule of the 3.2 list; every other claim as the rule list asks for the target. */
function oauthToken(ctx: RunContext, broken: 1 | 2 | 3 | 4 | 5): string {
  const host = new URL(ctx.target.baseUrl).hostname;
  const realm = 'contoso.invalid';
  const now = Math.floor(Date.now() / 1000);
  const audience = `${SERVER_ID}/${host}@${realm}`;
  const sip = ctx.requireUser().replace(/^sip:/i, '');
  const actor = {
    aud: broken === 4 ? `${SERVER_ID}/other.example.invalid@${realm}` : audience,
    iss: broken === 1 ? `${AS_ID}@untrusted.example.invalid` : `${AS_ID}@${realm}`,
    nameid: broken === 3 ? `${AS_ID}@someone-else` : `${AS_ID}@${realm}`,
    nbf: now - 60,
    exp: now + 3600,
  };
  const outer = {
    aud: broken === 4 ? `${SERVER_ID}/other.example.invalid@${realm}` : audience,
    iss: actor.nameid === actor.iss ? actor.iss : `${AS_ID}@${realm}`,
    nbf: now - 60,
    exp: now + 3600,
    actortoken: jwt(actor, broken === 2 ? 'none' : 'RS256'),
    // 5: the claims name two different users (sip: another provisioned user, smtp: the test user), not exactly one.
    ...(broken === 5 ? { sip: (ctx.target.otherUser ?? 'sip:nobody@example.invalid').replace(/^sip:/i, ''), smtp: sip } : { sip, smtp: sip }),
  };
  return jwt(outer, broken === 2 ? 'none' : 'RS256');
}
const OAUTH_RULES: readonly [1 | 2 | 3 | 4 | 5, string, string][] = [
  [
    1,
    'the token carries an actor token that was issued by the Authorization Server that protocol server trusts;',
    'actor token issued by an Authorization Server the target cannot trust',
  ],
  [
    2,
    'the actor token is signed by a certificate associated with the Authorization Server that issued the token;',
    'actor token and token unsigned (alg none)',
  ],
  [3, 'the actor token nameid (name identifier) claim value matches the issuer claim in the token;', 'actor nameid differing from the token issuer'],
  [
    4,
    'both the token itself and actor token carry audience claim with a value in the following format: 00000004-0000-0ff1-ce00-000000000000/<host_fqdn>@<realm>',
    'audience naming another host',
  ],
  [
    5,
    'the token carries at least one of the following claims: nameid (name identifier), smtp (e-mail address), sip (SIP address) and values in these claims match corresponding values of exactly one user in the UAS database.',
    'claims naming two different users',
  ],
];
/** IssueToken on the WinNegotiate port (where 3.2's OAuth2 bearer is presented) with `Authorization: Bearer`. */
async function issueWithBearer(ctx: RunContext, token: string): Promise<RawResponse> {
  const url = ctx.paths.webTicket;
  const headers = buildAddressingHeaders({ action: URI.actionRstIssue, messageId: `urn:uuid:${randomUUID()}`, to: url });
  return ctx.post(url, buildEnvelope({ headers, body: ctx.rst().xml }), { soapaction: `"${URI.actionRstIssue}"`, authorization: `Bearer ${token}` });
}
const oauthChecks = OAUTH_RULES.map(
  ([n, text, violation]): Requirement => ({
    id: `OCAUTH-3.2-OAUTH2-0${n}`,
    section: '3.2',
    level: 'MUST',
    text: `The protocol server extracts the OAuth2 token from the Authorization header of the HTTP request and validates that: ... ${text}`,
    async check(ctx) {
      // The runner has no Authorization Server the target trusts, so every token it can make is unsigned by
      // one: a refusal shows this rule is not skipped only together with the others (the fault
      // acceptUnverifiedOAuth2 — claims read, nothing validated — makes all five fail).
      const r = await issueWithBearer(ctx, oauthToken(ctx, n));
      if (r.status === 404)
        manual('the target serves no WinNegotiate port (where 3.2 presents an OAuth2 bearer token): OAuth2 is not offered, the rule cannot arise');
      expectThat(r.status !== 200 && !r.text.includes('RequestedSecurityToken'), `OAuth2 token with ${violation}: expected no ticket, received ${show(r)}`);
      const id = errorIdOf(r);
      expectThat(
        r.status === 401 || (id !== undefined && id >= 28000 && id <= 28035),
        `OAuth2 token with ${violation}: expected 401 or an ErrorId of 3.2.4.1 ("If validation of OAuth2 token fails, the errors defined in section 3.2.4.1 are returned"), received ${show(r)}`,
      );
      return `${violation}: HTTP ${r.status}${id ? `, ErrorId ${id}` : ''}${/bearer/i.test(r.headers.get('www-authenticate') ?? '') ? ' (Bearer offered)' : ' (Bearer not offered)'}`;
    },
  }),
);

// ---- 3.2.4.1 error tables --------------------------------------------------------------------------------
/** The Auth binding with a hand-written wsse:Security (or none). */
async function authBinding(ctx: RunContext, security: string): Promise<RawResponse> {
  const url = `${ctx.paths.webTicket}/Auth`;
  const headers = [...(security ? [security] : []), ...buildAddressingHeaders({ action: URI.actionRstIssue, messageId: `urn:uuid:${randomUUID()}`, to: url })];
  return ctx.post(url, buildEnvelope({ headers, body: ctx.rst().xml }), { soapaction: `"${URI.actionRstIssue}"` });
}
function expectSoapError(r: RawResponse, what: string, errorId: number, faultcode: RegExp): string {
  expectThat(r.status !== 200 && !r.text.includes('RequestedSecurityToken'), `${what}: expected a fault and no ticket, received ${show(r)}`);
  const id = errorIdOf(r);
  expectThat(id === errorId, `${what}: expected ErrorId ${errorId} (X-Ms-diagnostics or af:ErrorId), received ${id ?? 'none'} (${show(r)})`);
  const codes = faultCodes(r.text);
  expectThat(
    codes.some((c) => faultcode.test(c)),
    `${what}: expected faultcode ${faultcode.source}, received ${codes.join(',') || 'none'}`,
  );
  return `ErrorId ${id}, faultcode ${codes.join(',')}`;
}
const IWA = 'The following table lists Integrated Windows authentication errors.';
const SOAP = 'The following table lists SOAP errors. faultcode ErrorId Reason';
const INTERNAL =
  'The following table lists internal failures that occur after Integrated Windows authentication and UAS certificate (2) credentials are successfully verified. SubCode ErrorId Reason';
const noWindowsCredentials =
  'the runner holds no Windows (Kerberos/NTLM) credentials for the target; Integrated Windows authentication is exercised by the pidgin-sipe sign-in test, not by this suite';
const liveId = async (ctx: RunContext): Promise<never> => {
  const wsdl = await (await ctx.fetch(`${ctx.paths.webTicket}?wsdl`)).text();
  if (/MSWebAuthentication/.test(wsdl))
    manual('the target offers Live ID (af:MSWebAuthentication): judging this row needs a Live ID token of its environment, which the runner cannot obtain');
  manual('the target offers no Live ID authentication (no af:MSWebAuthentication in its metadata): the row cannot arise');
};
const internalOnly = (what: string) => async (): Promise<never> =>
  manual(`${what} happens after the credentials were verified, inside the server: no request can provoke it from outside`);

const tableChecks: Requirement[] = [
  {
    id: 'OCAUTH-3.2.4.1-IWA-28000',
    section: '3.2.4.1',
    level: 'SHOULD',
    text: `${IWA} ... The user was authenticated but could not be found in the UAS database. 403 28000 User is not SIP enabled. wsse:FailedAuthentication`,
    async check() {
      manual(noWindowsCredentials);
    },
  },
  {
    id: 'OCAUTH-3.2.4.1-IWA-28001',
    section: '3.2.4.1',
    level: 'SHOULD',
    text: `${IWA} ... Some unexpected error occurred in the system. 500 28001`,
    async check() {
      manual(noWindowsCredentials);
    },
  },
  ...(
    [
      ['28028', 'wsse:SecurityTokenUnavailable 28028 The Live ID token encryption key cannot be resolved.'],
      ['28017', 'wsse:SecurityTokenUnavailable 28017 The Live ID token signing key cannot be resolved.'],
      ['28018', 'wsse:UnsupportedSecurityToken 28018 The Live ID token was produced with the incorrect site policy.'],
      ['28019', 'wsse:FailedAuthentication 28019 The Live ID token identity is not associated with a user account.'],
      ['28022', 'wsse:InvalidSecurityToken 28022 There is no valid subject statement.'],
      ['28023', 'wsse:InvalidSecurity 28023 There is no valid message security.'],
    ] as const
  ).map(([n, row]): Requirement => ({ id: `OCAUTH-3.2.4.1-LIVEID-${n}`, section: '3.2.4.1', level: 'SHOULD', text: `${SOAP} ... ${row}`, check: liveId })),
  {
    id: 'OCAUTH-3.2.4.1-SOAP-28020',
    section: '3.2.4.1',
    level: 'SHOULD',
    text: `${SOAP} ... wsse:InvalidSecurity 28020 There is no valid security token.`,
    async check(ctx) {
      return expectSoapError(await authBinding(ctx, ''), 'Auth binding without wsse:Security', 28020, /InvalidSecurity$|FailedAuthentication$/);
    },
  },
  {
    id: 'OCAUTH-3.2.4.1-SOAP-28021',
    section: '3.2.4.1',
    level: 'SHOULD',
    text: `${SOAP} ... wsse:UnsupportedSecurityTokenType 28021 The security token type is unsupported.`,
    async check(ctx) {
      const c = ctx.passwordCredentials() as { username: string; password: string };
      const digest = `<o:Security xmlns:o="${'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd'}"><o:UsernameToken><o:Username>${esc(c.username)}</o:Username><o:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">${esc(c.password)}</o:Password></o:UsernameToken></o:Security>`;
      return expectSoapError(await authBinding(ctx, digest), 'UsernameToken with a PasswordDigest', 28021, /UnsupportedSecurityToken(Type)?$/);
    },
  },
  {
    id: 'OCAUTH-3.2.4.1-SOAP-28024',
    section: '3.2.4.1',
    level: 'SHOULD',
    text: `${SOAP} ... wsse:FailedAuthentication 28024 Authentication failed.`,
    async check(ctx) {
      if (!ctx.target.pin) manual('needs the Pin binding (--pin): a wrong PIN is the failure this row names');
      const r = await ctx.issueRaw(ctx.rst().xml, { binding: 'Pin', pin: '0000000000' });
      expectThat(errorIdOf(r) === 28024, `wrong PIN: expected ErrorId 28024, received ${errorIdOf(r) ?? 'none'} (${show(r)})`);
      return `HTTP ${r.status}, ErrorId 28024`;
    },
  },
  {
    id: 'OCAUTH-3.2.4.1-INTERNAL-28025',
    section: '3.2.4.1',
    level: 'SHOULD',
    text: `${INTERNAL} wsse:InvalidSecurity 28025 There is no valid security principal.`,
    check: internalOnly('a missing security principal'),
  },
  {
    id: 'OCAUTH-3.2.4.1-INTERNAL-28026',
    section: '3.2.4.1',
    level: 'SHOULD',
    text: `${INTERNAL} ... wsse:InvalidSecurity 28026 There is no valid security identity.`,
    check: internalOnly('a missing security identity'),
  },
  {
    id: 'OCAUTH-3.2.4.1-INTERNAL-28027',
    section: '3.2.4.1',
    level: 'SHOULD',
    text: `${INTERNAL} ... wsse:InvalidSecurity 28027 There is no valid message security.`,
    check: internalOnly('a message-security failure after verification'),
  },
  {
    id: 'OCAUTH-3.2.4.1-RST-28035',
    section: '3.2.4.1',
    level: 'SHOULD',
    text: 'The following table lists failures that occur while processing the RST. SubCode ErrorId Reason wst:RequestFailed 28035 The SIP URI in the claim type requirements of the Web ticket request does not match the SIP URI associated with the presented credentials.',
    async check(ctx) {
      const r = await ctx.issueRaw(
        ctx.rst({ Claims: { Dialect: URI.claimsDialect, ClaimTypes: [{ Uri: URI.claimTypeUri, Value: 'sip:mallory@contoso.invalid' }] } }).xml,
      );
      return expectSoapError(r, 'claims naming another SIP URI', 28035, /RequestFailed$/);
    },
  },
];

// ---- 3.1.4.1.4.1 ResponseCode meanings -------------------------------------------------------------------
/** DER TLV at `at`: [header length, content length]. */
function tlv(der: Uint8Array, at: number): [number, number] {
  const first = der[at + 1]!;
  if (first < 0x80) return [2, first];
  const n = first & 0x7f;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + der[at + 2 + i]!;
  return [2 + n, len];
}
/**
 * The CSR with its validityPeriod name-value pair (MS-WCCE, a BMPString) rewritten to a period of the same
 * length, and the certificationRequestInfo signed again with the CSR's key: a well-formed, self-signed PKCS#10
 * asking for a period no server knows (@ocauth/certprov's builder refuses to write one).
 */
function csrWithPeriod(csr: { der: Uint8Array; privateKey: KeyObject }, period: string): Uint8Array {
  const der = Buffer.from(csr.der);
  const [h0] = tlv(der, 0);
  const [h1, l1] = tlv(der, h0); // certificationRequestInfo
  const criEnd = h0 + h1 + l1;
  const from = Buffer.from('Months', 'utf16le').swap16();
  const to = Buffer.from(period, 'utf16le').swap16();
  const at = der.indexOf(from, h0);
  expectThat(at > 0 && at < criEnd && to.length === from.length, 'CSR: expected the validityPeriod name-value pair Months in certificationRequestInfo');
  to.copy(der, at);
  const sig = sign('sha256', der.subarray(h0, criEnd), csr.privateKey);
  const [hAlg, lAlg] = tlv(der, criEnd);
  const bits = criEnd + hAlg + lAlg;
  const [hBits, lBits] = tlv(der, bits);
  expectThat(lBits === sig.length + 1, 'CSR: expected a signature of the same length after re-signing');
  sig.copy(der, bits + hBits + 1);
  return der;
}
const responseCodeChecks: Requirement[] = [
  {
    id: 'OCAUTH-3.1.4.1.4.1-01',
    section: '3.1.4.1.4.1',
    level: 'SHOULD',
    text: 'InvalidValidityPeriod: Indicates that the CSR contained an invalid or unacceptable validity period.',
    async check(ctx) {
      const user = ctx.requireUser().replace(/^sip:/i, '');
      const csr = csrWithPeriod(generateCsr({ sipUri: user, keySizeBits: 1024, validity: { period: 'Months', units: 3 } }), 'Monthz');
      const { unsigned } = await certProvEnvelope(ctx, { csrDer: csr });
      return `ResponseCode ${expectErrorInfo(await postCertProv(ctx, await signed(ctx, unsigned)), 'CSR validityPeriod=Monthz (MS-WCCE name-value pair), self-signature valid', ['InvalidValidityPeriod'])}`;
    },
  },
  {
    id: 'OCAUTH-3.1.4.1.4.1-02',
    section: '3.1.4.1.4.1',
    level: 'SHOULD',
    text: 'InvalidEKU: Indicates that the CSR contained invalid Enhanced Key Usage.',
    async check(ctx) {
      const user = ctx.requireUser().replace(/^sip:/i, '');
      const csr = generateCsr({ sipUri: user, keySizeBits: 1024, extendedKeyUsage: ['1.3.6.1.5.5.7.3.1'] }); // serverAuth only: no client authentication
      const { unsigned } = await certProvEnvelope(ctx, { csrDer: csr.der });
      return `ResponseCode ${expectErrorInfo(await postCertProv(ctx, await signed(ctx, unsigned)), 'CSR asking for serverAuth only', ['InvalidEKU'])}`;
    },
  },
  {
    id: 'OCAUTH-3.1.4.1.4.1-03',
    section: '3.1.4.1.4.1',
    level: 'SHOULD',
    text: 'AccountDisabled: Indicates that the account of the user operating the client is disabled.',
    async check(ctx) {
      const set = ctx.target.setUserEnabled;
      if (!set)
        manual(
          "needs a provisioned user the runner can disable after its ticket was issued (Target.setUserEnabled); a pool's directory is not the runner's to change",
        );
      const user = ctx.requireUser();
      const { unsigned } = await certProvEnvelope(ctx);
      const body = await signed(ctx, unsigned);
      await set(user, false);
      try {
        return `ResponseCode ${expectErrorInfo(await postCertProv(ctx, body), "the ticket's user disabled after sign-in", ['AccountDisabled'])}`;
      } finally {
        await set(user, true);
      }
    },
  },
  ...(
    [
      ['04', 'InternalError: Indicates an unexpected server error.', 'an unexpected server error'],
      [
        '05',
        'DataStoreUnavailable: Indicates that the store where the certificate (2) was supposed to be stored was not available.',
        'an unavailable certificate store',
      ],
      [
        '06',
        'UserImproperlyProvisioned: Indicates that the user is not provisioned on a server that supports this protocol.',
        'a user signed in but not provisioned on a server of the protocol',
      ],
    ] as const
  ).map(
    ([n, text, what]): Requirement => ({
      id: `OCAUTH-3.1.4.1.4.1-${n}`,
      section: '3.1.4.1.4.1',
      level: 'SHOULD',
      text,
      async check() {
        manual(`${what} cannot be provoked by a request; packages/certprov/test covers this ResponseCode against the handler`);
      },
    }),
  ),
];

export const WEB_TICKET_TABLE_CHECKS: readonly Requirement[] = [...oauthChecks, ...tableChecks, ...responseCodeChecks];
