// MS-OCAUTHWS 3.2.4.1 authentication of an IssueToken request, one step per binding of 6.2 (WinNegotiate, Pin, Cert, Auth).
import { NS } from '@ocauth/diagnostics';
import { WEB_TICKET_ERRORS } from '../catalog.js';
import { usernameTokenCandidates, type DirectoryUser, type SignInHooks } from '../directory.js';
import { SecurityError } from '../errors.js';
import type { ParsedEnvelope } from '../messages.js';
import type { WindowsAuthResult } from '../ntlm-server.js';
import { URI } from '../ns.js';
import { children } from '../xml.js';
import { verifyCertificateMessage } from '../x509-token.js';
import type { IssueTokenContext, WebTicketBinding } from './options.js';
import { diagnosticsHeader, httpRefusal, Refusal, soapFault, xmlResponse } from './respond.js';
import { buildFaultEnvelope } from '../metadata.js';

/** The user the request authenticates as on `binding`; a refusal (challenge, 401, SOAP fault) otherwise. */
export function authenticate(ctx: IssueTokenContext, binding: WebTicketBinding, req: Request, env: ParsedEnvelope): Promise<DirectoryUser> {
  switch (binding) {
    case 'WinNegotiate':
      return authenticateWinNegotiate(ctx, req);
    case 'Pin':
      return authenticatePin(ctx, req);
    case 'Cert':
      return authenticateCertificate(ctx, env);
    default:
      return authenticateUsernameToken(ctx, env);
  }
}

/**
 * MS-OCAUTHWS 3.2.4.1, WinNegotiate binding: HTTP Negotiate/NTLM (integrated Windows authentication) or an OAuth2
 * bearer token (3.2). One WWW-Authenticate header line per scheme, as IIS sends them: SIPE matches a scheme by the
 * prefix of each header value, so the comma-joined form ("Negotiate, NTLM") is never used.
 */
export async function authenticateWinNegotiate(ctx: IssueTokenContext, req: Request): Promise<DirectoryUser> {
  const { windowsAuthenticator, oauthValidator, userDirectory } = ctx.options;
  const authz = req.headers.get('authorization') ?? '';
  const scheme = authz.split(' ')[0]?.toLowerCase() ?? '';
  if (scheme === 'bearer' && oauthValidator) {
    const r = await oauthValidator(authz.slice(7).trim()).catch(() => null);
    const u = r && (await userDirectory.findUserBySipUri(r.sipUri));
    if (!u) throw httpRefusal(ctx.fqdn, 28024, 401, { 'www-authenticate': 'Bearer' });
    if (!u.enabled) throw httpRefusal(ctx.fqdn, 28000);
    return u;
  }
  const schemes = [...(windowsAuthenticator ? ['Negotiate', 'NTLM'] : []), ...(oauthValidator ? ['Bearer'] : [])];
  const unauthorized = (extra: [string, string][] = [], challenge?: string, status = 401) => {
    const h = new Headers(extra);
    for (const c of challenge ? [challenge] : schemes) h.append('www-authenticate', c);
    return new Refusal(new Response(null, { status, headers: h }));
  };
  const isIwa = scheme === 'negotiate' || scheme === 'ntlm';
  if (!windowsAuthenticator || (!isIwa && authz.trim() !== '')) throw unauthorized();
  let r: WindowsAuthResult;
  try {
    r = await windowsAuthenticator(isIwa ? authz : '', req);
  } catch {
    throw httpRefusal(ctx.fqdn, 28001);
  }
  if (!r) throw unauthorized();
  if ('challenge' in r) throw unauthorized([], r.challenge);
  if ('failure' in r) {
    // MS-OCAUTHWS 3.2.4.1: the failure is reported in X-Ms-diagnostics; the schemes are offered again.
    const info = WEB_TICKET_ERRORS[r.failure.errorId];
    const diag: Record<string, string> = info ? diagnosticsHeader({ ...info, reason: r.failure.reason }, ctx.fqdn) : {};
    throw unauthorized(
      [...Object.entries(diag), ...(r.failure.status === 503 ? [['retry-after', '5'] as [string, string]] : [])],
      undefined,
      r.failure.status ?? 401,
    );
  }
  const u = userDirectory.findUserByAccount ? await userDirectory.findUserByAccount(r.account) : null;
  if (!u || !u.enabled) throw httpRefusal(ctx.fqdn, 28000); // authenticated but not SIP enabled
  return u;
}

/**
 * MS-OCAUTHWS 3.2.4.1, Pin binding: HTTP Basic with the phone's identity and PIN. The PIN is the part after the
 * LAST colon: a PIN is digits, while the identity may itself contain colons (sip:alice@contoso.com, tel:+1555...),
 * which RFC 7617's first-colon split would cut. Reads only the HTTP header, so it may start before the envelope is read.
 */
export async function authenticatePin(ctx: IssueTokenContext, req: Request, hooks?: SignInHooks): Promise<DirectoryUser> {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.get('authorization') ?? '');
  const creds = m ? Buffer.from(m[1]!, 'base64').toString('utf8') : '';
  const i = creds.lastIndexOf(':');
  const challenge = { 'www-authenticate': `Basic realm="${ctx.fqdn}"` };
  if (!m || i < 0) throw new Refusal(new Response(null, { status: 401, headers: challenge }));
  const u = hooks
    ? await ctx.options.userDirectory.verifyPin(creds.slice(0, i), creds.slice(i + 1), hooks)
    : await ctx.options.userDirectory.verifyPin(creds.slice(0, i), creds.slice(i + 1));
  if (!u) throw httpRefusal(ctx.fqdn, 28024, 401, challenge);
  if (!u.enabled) throw httpRefusal(ctx.fqdn, 28000);
  return u;
}

/**
 * MS-OCAUTHWS 3.2.4.1, Cert binding: an X.509 endorsing token (a UAS-issued client certificate) that signs the
 * Timestamp, To and Body; failures are the certificate ErrorIds 28011 (expired), 28012 (not valid / unknown),
 * 28013 (no or unsigned token), 28014 (user not found) and 28015 (validation failed).
 */
export async function authenticateCertificate(ctx: IssueTokenContext, env: ParsedEnvelope): Promise<DirectoryUser> {
  const fault = (id: number) => soapFault(ctx.fqdn, 'wsse:FailedAuthentication', WEB_TICKET_ERRORS[id]!.reason, id, env.version);
  const now = ctx.clock();
  let cert: ReturnType<typeof verifyCertificateMessage>['certificate'];
  try {
    cert = verifyCertificateMessage(env, { now }).certificate;
  } catch (e) {
    throw fault(e instanceof SecurityError && (e.errorId === 28013 || e.code === 'ERR_WSTRUST_SECURITY_HEADER_MISSING') ? 28013 : 28012);
  }
  if (now.getTime() < Date.parse(cert.validFrom) || now.getTime() > Date.parse(cert.validTo)) throw fault(28011);
  let r: { sipUri: string } | null;
  try {
    r = await ctx.options.certificateValidator!.validate(cert);
  } catch {
    throw fault(28015);
  }
  if (!r) throw fault(28012);
  const u = await ctx.options.userDirectory.findUserBySipUri(r.sipUri);
  if (!u || !u.enabled) throw fault(28014);
  return u;
}

/**
 * MS-OCAUTHWS 3.2.4.1, Auth binding: wsse:UsernameToken (SignedSupportingTokens over TLS). The Lync 2013 / SfB
 * desktop client sends base64(user) and base64(password): the text as sent is tried first, then its base64
 * reading (only canonical base64 of UTF-8): one directory call, one attempt.
 */
export async function authenticateUsernameToken(ctx: IssueTokenContext, env: ParsedEnvelope): Promise<DirectoryUser> {
  const sec = env.header ? children(env.header, NS.wsse, 'Security') : [];
  const ut = sec.length === 1 ? children(sec[0]!, NS.wsse, 'UsernameToken') : [];
  if (ut.length !== 1)
    throw soapFault(ctx.fqdn, 'wsse:InvalidSecurity', 'wsse:Security/wsse:UsernameToken: expected exactly one, received ' + ut.length, 28020, env.version);
  const name = (children(ut[0]!, NS.wsse, 'Username')[0]?.textContent ?? '').trim();
  const pw = children(ut[0]!, NS.wsse, 'Password')[0];
  const type = pw?.getAttribute('Type');
  if (!pw || (type && type !== URI.passwordText))
    throw soapFault(
      ctx.fqdn,
      'wsse:UnsupportedSecurityToken',
      `wsse:Password/@Type: expected ${URI.passwordText}, received ${JSON.stringify(type ?? 'none')}`,
      28021,
      env.version,
    );
  const [first, ...alternatives] = usernameTokenCandidates(name, pw.textContent ?? '');
  const u = await ctx.options.userDirectory.verifyPassword(first!.username, first!.password, alternatives);
  if (!u) {
    // What a real pool answers (Lync Server 2013 / SfB Server): HTTP 500, faultcode a:FailedAuthentication
    // with a bound to the WS-Security namespace, "No valid security token.", ErrorId 28020.
    const info = { ...WEB_TICKET_ERRORS[28020]!, faultcode: 'a:FailedAuthentication', reason: 'No valid security token.' };
    const headers = {
      ...diagnosticsHeader({ ...info, faultcode: 'wsse:FailedAuthentication' }, ctx.fqdn),
      ...(env.version === '1.2' ? { 'content-type': 'application/soap+xml; charset=utf-8' } : {}),
    };
    throw new Refusal(xmlResponse(500, buildFaultEnvelope(info.faultcode, info.reason, info, env.version), headers));
  }
  if (!u.enabled) throw soapFault(ctx.fqdn, 'wsse:FailedAuthentication', 'The user was not found when queried in the database.', 28014, env.version);
  return u;
}
