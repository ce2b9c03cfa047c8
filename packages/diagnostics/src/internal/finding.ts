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

/**
 * Plain-text rendering of findings for a CLI or a log (the doctor command): one block per finding,
 * `SEVERITY id — summary`, then cause, remedy, spec section and field notes, indented.
 *
 * @throws never
 */
export function formatFindings(findings: Finding | readonly Finding[], options: { details?: boolean } = {}): string {
  const list = Array.isArray(findings) ? findings : [findings as Finding];
  return list
    .map((f) => {
      const lines = [`${f.severity.toUpperCase()} ${f.id} — ${f.summary}`, `  cause:  ${f.cause}`, `  remedy: ${f.remedy}`, `  spec:   ${f.specSection}`];
      if (f.references.length > 0) lines.push(`  notes:  ${f.references.join(', ')}`);
      if (options.details && f.details) for (const [k, v] of Object.entries(f.details)) lines.push(`  ${k}: ${String(v)}`);
      return lines.join('\n');
    })
    .join('\n\n');
}
