// MS-OCAUTHWS 3.2.4.1.3.3 checks of the wst:RequestSecurityToken (and 3.2.1: AppliesTo within the server farm).
import type { DirectoryUser } from '../directory.js';
import { InvalidRequestError } from '../errors.js';
import { claimedSipUri, parseRequestSecurityToken, type ParsedEnvelope, type RequestSecurityToken } from '../messages.js';
import { URI } from '../ns.js';
import type { XElement } from '../xml.js';
import type { IssueTokenContext } from './options.js';
import { soapFault } from './respond.js';

/** MS-OCAUTHWS 3.2.4.1.3.3: the Body carries a wst:RequestSecurityToken as restricted there (wst:InvalidRequest otherwise). */
export function readRequestSecurityToken(ctx: IssueTokenContext, env: ParsedEnvelope): RequestSecurityToken {
  try {
    if (!env.payload) throw new InvalidRequestError('soap:Body', 'wst:RequestSecurityToken', 'an empty Body');
    return parseRequestSecurityToken(env.payload as XElement);
  } catch (e) {
    if (e instanceof InvalidRequestError) throw soapFault(ctx.fqdn, 'wst:InvalidRequest', e.message, undefined, env.version);
    throw e;
  }
}

/** MS-OCAUTHWS 3.2.1 / 3.2.4.1.3.3: AppliesTo MUST be part of the server farm; returns the farm prefix the ticket applies to. */
export function checkAppliesTo(ctx: IssueTokenContext, rst: RequestSecurityToken, env: ParsedEnvelope): string {
  const farm = ctx.options.farm;
  const prefix = farm.find((p) => rst.AppliesTo.toLowerCase().startsWith(p.toLowerCase()));
  if (!prefix)
    throw soapFault(
      ctx.fqdn,
      'wst:InvalidRequest',
      `wst:RequestSecurityToken/wsp:AppliesTo: expected a URL under ${farm.join(' or ')}, received ${JSON.stringify(rst.AppliesTo)}`,
      undefined,
      env.version,
    );
  return prefix;
}

/**
 * MS-OCAUTHWS 3.2.4.1.3.3 wst:Claims: a claimed SIP URI must be the authenticated user's (28035). The faultstring
 * is a real pool's wording; the detail's Reason is the spec's (3.2.4.1).
 */
export function checkClaims(ctx: IssueTokenContext, rst: RequestSecurityToken, user: DirectoryUser, env: ParsedEnvelope): void {
  const claimed = claimedSipUri(rst);
  if (claimed !== undefined && claimed.toLowerCase() !== user.sipUri.toLowerCase()) {
    throw soapFault(
      ctx.fqdn,
      'wst:RequestFailed',
      'The SIP URI in the claim type requirements of the web ticket request does not match the SIP URI associated with the presented credentials.',
      28035,
      env.version,
    );
  }
}

/** MS-OCAUTHWS 3.2.4.1.3.3 wst:KeySize: when given for a SAML ticket, the size of the proof key this server computes. */
export function checkKeySize(ctx: IssueTokenContext, rst: RequestSecurityToken, env: ParsedEnvelope): void {
  if (rst.TokenType !== URI.tokenTypeCwt && rst.KeySize !== undefined && rst.KeySize !== ctx.keyBits) {
    throw soapFault(ctx.fqdn, 'wst:InvalidRequest', `wst:KeySize: expected ${ctx.keyBits}, received ${rst.KeySize}`, undefined, env.version);
  }
}
