// MS-OCAUTHWS 3.2.4.1.3.3 wst:Lifetime: the ticket lifetime granted, within the policy for the computer type (3.2.4.1).
import type { RequestSecurityToken, ParsedEnvelope } from '../messages.js';
import { isoUtc } from '../security.js';
import type { IssueTokenContext } from './options.js';
import { soapFault } from './respond.js';

/** Clock skew tolerated on a requested wst:Lifetime. */
const LIFETIME_SKEW_MS = 300_000;

/**
 * Seconds the ticket lives: the policy lifetime for this computer type (15 minutes public, 8 hours private by
 * default), shortened to the requested wst:Lifetime. The client's intent is a duration (Created → Expires, in
 * whole seconds of its own clock); a request whose Expires is already past (beyond 5 minutes of clock skew) is stale.
 */
export function grantedLifetime(ctx: IssueTokenContext, req: Request, rst: RequestSecurityToken, env: ParsedEnvelope): number {
  const policy = ctx.lifetimes[ctx.computerType(req)];
  if (!rst.Lifetime) return policy;
  const now = ctx.clock();
  const nowMs = now.getTime();
  const expires = rst.Lifetime.Expires;
  if (expires.getTime() <= nowMs - LIFETIME_SKEW_MS)
    throw soapFault(
      ctx.fqdn,
      'wst:InvalidRequest',
      `wst:RequestSecurityToken/wst:Lifetime/wsu:Expires: expected a time after now (${isoUtc(now)}), received ${isoUtc(expires)}`,
      undefined,
      env.version,
    );
  const asked = Math.round((expires.getTime() - (rst.Lifetime.Created?.getTime() ?? nowMs)) / 1000);
  if (asked < 1)
    throw soapFault(
      ctx.fqdn,
      'wst:InvalidRequest',
      `wst:RequestSecurityToken/wst:Lifetime/wsu:Expires: expected a lifetime of at least one second, received ${isoUtc(expires)}`,
      undefined,
      env.version,
    );
  return Math.min(policy, asked);
}
