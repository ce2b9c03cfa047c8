/** A structured diagnosis for administrators, produced by `explain` and the certificate checks. */
export interface Finding {
  /** Stable identifier (`webticket.28033`, `certprov.DataStoreUnavailable`, `sspi.UntrustedRoot`, `cert.server.wildcard-only`, …). */
  id: string;
  severity: 'error' | 'warning' | 'info';
  /** One line: what happened. */
  summary: string;
  /** Why it happens, in plain language. */
  cause: string;
  /** What to check or change. */
  remedy: string;
  /** The spec section that defines the behaviour (`MS-OCAUTHWS 3.2.4.1`). */
  specSection: string;
  /** Field notes of the reference set the cause/remedy draws on (file names). */
  references: string[];
  /** Facts taken from the input (ErrorId, server FQDN, certificate subject, …). Never secrets. */
  details?: Record<string, string | number | boolean>;
}

export const FIELD_NOTES = {
  certificateProvisioning: 'certificate-provisioning-deeper-dive.txt',
  phoneWildcard: 'phone-edition-wildcard-certificates.txt',
  receiveAndPublish: 'receive-and-publish-certificate-troubleshooting.txt',
  proofKeySigning: 'signing-with-issued-token-proof-key.txt',
} as const;
