// Deliberately broken behaviours for the conformance runner's negative self-test. Each fault turns
// off one security check so a conformance suite can show it reports the matching requirement.
import { XMLSerializer } from '@xmldom/xmldom';
import { parseXml } from '@ocauth/c14n';
import type { TicketVerifier } from '@ocauth/wstrust';
import type { ServerUserDirectory } from './store/types.js';
import type { CertificateStore } from '@ocauth/certprov';

export interface ServerFaults {
  /** Accept a holder-of-key ticket without checking the proof-of-possession signature (it is removed before verification). */
  skipSignatureCheck?: boolean;
  /** Accept expired tickets and stale/future Timestamps (clock skew of ten years). */
  skipTimestampCheck?: boolean;
  /** Pin binding: any PIN is accepted for a known identity. */
  acceptAnyPin?: boolean;
  /** Do not check a ticket's Audience against this server's services. */
  skipAudienceCheck?: boolean;
  /** Auth binding: any password is accepted for a known user name. */
  acceptAnyPassword?: boolean;
  /** Cert binding: revoked (superseded) certificates still authenticate their user. */
  acceptRevokedCertificates?: boolean;
  /** SIP registrar: a signed REGISTER is accepted whatever its `response=` signature ([MS-SIPAE]). */
  sipSkipSignatureCheck?: boolean;
}

export const FAULT_NAMES = ['skipSignatureCheck', 'skipTimestampCheck', 'acceptAnyPin', 'skipAudienceCheck', 'acceptAnyPassword', 'acceptRevokedCertificates', 'sipSkipSignatureCheck'] as const;

const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const DS = 'http://www.w3.org/2000/09/xmldsig#';

/** Remove ds:Signature children of wsse:Security (the proof-of-possession signature), keeping the ticket's own signature. */
export function stripMessageSignature(xml: string): string {
  const doc = parseXml(xml);
  const sec = doc.getElementsByTagNameNS(WSSE, 'Security');
  for (let i = 0; i < sec.length; i++) {
    const s = sec.item(i)!;
    for (const c of Array.from(s.childNodes)) if (c.nodeType === 1 && (c as unknown as { namespaceURI: string; localName: string }).namespaceURI === DS && (c as unknown as { namespaceURI: string; localName: string }).localName === 'Signature') s.removeChild(c);
  }
  return new XMLSerializer().serializeToString(doc as never);
}

export function faultyVerifier(v: TicketVerifier, faults: ServerFaults): TicketVerifier {
  if (!faults.skipSignatureCheck) return v;
  return {
    ...v,
    verify: async (input) => v.verify(typeof input === 'string' || input instanceof Uint8Array ? stripMessageSignature(typeof input === 'string' ? input : Buffer.from(input).toString('utf8')) : input),
  };
}

export function faultyDirectory(d: ServerUserDirectory, faults: ServerFaults): ServerUserDirectory {
  if (!faults.acceptAnyPin && !faults.acceptAnyPassword) return d;
  const anyone = async (identity: string) => (await d.findUserByAccount?.(identity)) ?? (await d.findUserBySipUri(identity));
  return {
    upsertUser: (u) => d.upsertUser(u),
    setEnabled: (s, e) => d.setEnabled(s, e),
    findUserBySipUri: (s) => d.findUserBySipUri(s),
    ...(d.findUserByAccount ? { findUserByAccount: (a: string) => d.findUserByAccount!(a) } : {}),
    ...(d.findNtlmCredential ? { findNtlmCredential: (n: readonly string[]) => d.findNtlmCredential!(n) } : {}),
    verifyPin: faults.acceptAnyPin ? (identity) => anyone(identity) : (i, p) => d.verifyPin(i, p),
    verifyPassword: faults.acceptAnyPassword
      ? async (username, _p, alt = []) => (await anyone(username)) ?? (alt[0] ? anyone(alt[0].username) : null)
      : (u, p, alt) => d.verifyPassword(u, p, alt),
  };
}

/** Cert binding validator that ignores revocation (acceptRevokedCertificates). */
export function revocationBlindStore(store: CertificateStore): CertificateStore {
  return {
    publish: (c, now) => store.publish(c, now),
    listForEntity: (e) => store.listForEntity(e),
    revoke: (s, at) => store.revoke(s, at),
    findBySerial: async (s) => {
      const c = await store.findBySerial(s);
      if (!c) return c;
      const { revokedAt: _ignored, ...rest } = c;
      return rest;
    },
  };
}
