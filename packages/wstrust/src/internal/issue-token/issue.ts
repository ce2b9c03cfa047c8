// MS-OCAUTHWS 3.2.4.1.3.4: issue the web ticket (SAML 1.1 holder-of-key assertion with a P_SHA1 proof key, or a compact web ticket) in an RSTRC.
import { mintCompactWebTicket } from '../cwt.js';
import type { DirectoryUser } from '../directory.js';
import { buildCompactTicketResponseCollection, buildRequestSecurityTokenResponseCollection, type RequestSecurityToken } from '../messages.js';
import { URI } from '../ns.js';
import { computeProofKey } from '../psha1.js';
import { buildSignedAssertion, wrapKey } from '../saml.js';
import { isoUtc } from '../security.js';
import type { IssueTokenContext } from './options.js';

/** The wst:RequestSecurityTokenResponseCollection for `user`, applying to the farm prefix `appliesTo`. */
export function issue(ctx: IssueTokenContext, rst: RequestSecurityToken, user: DirectoryUser, appliesTo: string, lifetimeSeconds: number): string {
  return rst.TokenType === URI.tokenTypeCwt
    ? issueCompactTicket(ctx, rst, user, appliesTo, lifetimeSeconds)
    : issueSamlTicket(ctx, rst, user, appliesTo, lifetimeSeconds);
}

/**
 * MS-OCAUTHWS 3.2.4.1.3.4 with 3.2.4.1.3.3's SymmetricKey: a signed SAML 1.1 assertion whose proof key is
 * P_SHA1(requestor entropy, server entropy) (WS-Trust 1.3 §4.4.4), wrapped under the pool key; the RSTR returns
 * the server entropy and the computed-key algorithm.
 */
function issueSamlTicket(ctx: IssueTokenContext, rst: RequestSecurityToken, user: DirectoryUser, appliesTo: string, lifetimeSeconds: number): string {
  const now = ctx.clock();
  const expires = new Date(now.getTime() + lifetimeSeconds * 1000);
  const { poolKey, signatureAlgorithm } = ctx.options;
  const serverEntropy = ctx.random(ctx.keyBits / 8);
  const proofKey = computeProofKey(rst.Entropy, serverEntropy, ctx.keyBits);
  const assertionId = `SamlSecurityToken-${ctx.uuid()}`;
  const assertion = buildSignedAssertion(
    {
      AssertionID: assertionId,
      Issuer: ctx.publishedUrl,
      IssueInstant: now,
      NotBefore: now,
      NotOnOrAfter: expires,
      Audience: appliesTo,
      SipUri: user.sipUri,
      AuthenticationMethod: URI.authMethodUnspecified,
      AuthenticationInstant: now,
      ProofKey: { KeyName: poolKey.keyName, CipherValue: wrapKey(poolKey.key, proofKey) },
    },
    { privateKey: ctx.privateKey, certificate: ctx.certificate, ...(signatureAlgorithm ? { signatureAlgorithm } : {}) },
  );
  proofKey.fill(0);
  return buildRequestSecurityTokenResponseCollection([
    {
      Context: rst.Context,
      TokenType: URI.tokenTypeSaml11,
      RequestedSecurityToken: assertion,
      AssertionId: assertionId,
      Lifetime: { Created: isoUtc(now), Expires: isoUtc(expires) },
      RequestedAttachedReference: assertionId,
      RequestedUnattachedReference: assertionId,
      AppliesTo: appliesTo,
      ComputedKey: URI.computedKeyPsha1,
      Entropy: serverEntropy,
    },
  ]);
}

/**
 * Compact web ticket (Lync 2013 / SfB user-cwt-1): bearer, bound to the user, the farm prefix, the granted
 * lifetime and a unique id, AES-256-GCM under a key derived from the pool key (cwt.ts). Whole seconds: the token
 * carries Unix seconds, and the RSTR's Lifetime must say what it carries.
 */
function issueCompactTicket(ctx: IssueTokenContext, rst: RequestSecurityToken, user: DirectoryUser, appliesTo: string, lifetimeSeconds: number): string {
  const iat = new Date(Math.floor(ctx.clock().getTime() / 1000) * 1000);
  const exp = new Date(iat.getTime() + lifetimeSeconds * 1000);
  const token = mintCompactWebTicket({ sipUri: user.sipUri, audience: appliesTo, issuedAt: iat, expiresAt: exp, id: ctx.random(16) }, ctx.options.poolKey, {
    nonce: ctx.random(12),
  });
  return buildCompactTicketResponseCollection({
    Context: rst.Context,
    TokenType: URI.tokenTypeCwt,
    token,
    Lifetime: { Created: isoUtc(iat), Expires: isoUtc(exp) },
    AppliesTo: appliesTo,
  });
}
