/**
 * The Web Ticket Service errors of MS-OCAUTHWS 3.2 / 3.2.4.1 (ErrorId, faultcode, reason).
 * TODO(switch): use @ocauth/diagnostics `webTicketError` when it lands.
 */
export interface WebTicketErrorInfo {
  errorId: number;
  faultcode: string;
  reason: string;
  httpStatus: number;
}

const E = (errorId: number, faultcode: string, reason: string, httpStatus = 500): WebTicketErrorInfo => ({ errorId, faultcode, reason, httpStatus });

export const WEB_TICKET_ERRORS: Readonly<Record<number, WebTicketErrorInfo>> = Object.freeze({
  28000: E(28000, 'wsse:FailedAuthentication', 'User is not SIP enabled.', 403),
  28001: E(28001, 'wsse:FailedAuthentication', 'Internal error while processing Integrated Windows authentication or authorization.', 500),
  28011: E(28011, 'wsse:FailedAuthentication', 'The certificate is expired.'),
  28012: E(28012, 'wsse:FailedAuthentication', 'The certificate is invalid.'),
  28013: E(28013, 'wsse:FailedAuthentication', 'The certificate is not found.'),
  28014: E(28014, 'wsse:FailedAuthentication', 'The user was not found when queried in the database.'),
  28015: E(28015, 'wsse:FailedAuthentication', 'There was an internal error while processing a certificate authentication or authorization provided by the UAS.'),
  28017: E(28017, 'wsse:SecurityTokenUnavailable', 'The Live ID token signing key cannot be resolved.'),
  28018: E(28018, 'wsse:UnsupportedSecurityToken', 'The Live ID token was produced with the incorrect site policy.'),
  28019: E(28019, 'wsse:FailedAuthentication', 'The Live ID token identity is not associated with a user account.'),
  28020: E(28020, 'wsse:InvalidSecurity', 'There is no valid security token.'),
  28021: E(28021, 'wsse:UnsupportedSecurityTokenType', 'The security token type is unsupported.'),
  28022: E(28022, 'wsse:InvalidSecurityToken', 'There is no valid subject statement.'),
  28023: E(28023, 'wsse:InvalidSecurity', 'There is no valid message security.'),
  28024: E(28024, 'wsse:FailedAuthentication', 'Authentication failed.'),
  28025: E(28025, 'wsse:InvalidSecurity', 'There is no valid security principal.'),
  28026: E(28026, 'wsse:InvalidSecurity', 'There is no valid security identity.'),
  28027: E(28027, 'wsse:InvalidSecurity', 'There is no valid message security.'),
  28028: E(28028, 'wsse:SecurityTokenUnavailable', 'The Live ID token encryption key cannot be resolved.'),
  28032: E(28032, 'wsse:InvalidSecurityToken', 'The Web ticket is invalid.', 401),
  28033: E(28033, 'wsse:InvalidSecurityToken', 'The Web ticket has expired.', 401),
  28034: E(28034, 'wsse:InvalidSecurityToken', 'Proof Web tickets are only valid at the same Web server where they were requested.', 401),
  28035: E(28035, 'wst:RequestFailed', 'The SIP URI in the claim type requirements of the Web ticket request does not match the SIP URI associated with the presented credentials.'),
});

/** X-Ms-diagnostics header value (MS-OCAUTHWS 3.2.4.1). */
export function formatMsDiagnosticsHeader(e: WebTicketErrorInfo, source: string): string {
  const q = (s: string) => `"${s.replace(/["\\]/g, '')}"`;
  return `${e.errorId};source=${q(source)};reason=${q(e.reason)};fault=${q(e.faultcode)}`;
}

/** Parse an X-Ms-diagnostics value (named or positional fields). */
export function parseMsDiagnosticsHeader(v: string): { errorId: number; source?: string; reason?: string; fault?: string } | undefined {
  const m = /^\s*(\d+)\s*(;.*)?$/.exec(v);
  if (!m) return undefined;
  const out: { errorId: number; source?: string; reason?: string; fault?: string } = { errorId: Number(m[1]) };
  const re = /;\s*(?:([A-Za-z-]+)\s*=\s*)?"([^"]*)"/g;
  const order = ['source', 'reason', 'fault'] as const;
  let i = 0;
  for (let r = re.exec(m[2] ?? ''); r; r = re.exec(m[2] ?? ''), i++) {
    const k = (r[1]?.toLowerCase() ?? order[i]) as (typeof order)[number];
    if (k === 'source' || k === 'reason' || k === 'fault') out[k] = r[2]!;
  }
  return out;
}
