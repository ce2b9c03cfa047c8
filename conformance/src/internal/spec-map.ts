// Where each section the registry checks is implemented (repository paths), and the spec map generated
// from the registry into conformance/SPEC-MAP.md: section → requirement ids (level, how judged) → code.
// A test checks that every file named here cites its section (MS-OCAUTHWS x.y.z in a comment).
import type { Requirement } from './requirements.js';
import type { Statement } from './spec-statements.js';

/** Section → the source files implementing it (server side). Longest prefix wins for unlisted sub-sections. */
export const IMPLEMENTED_BY: Readonly<Record<string, readonly string[]>> = {
  '1.5': ['packages/server/src/internal/autodiscover.ts'],
  '2.1': ['packages/certprov/src/internal/get-and-publish-cert/read.ts', 'packages/certprov/src/internal/get-and-publish-cert/respond.ts'],
  '2.2.4.1': [
    'packages/diagnostics/src/internal/ocs-fault.ts',
    'packages/certprov/src/internal/get-and-publish-cert/authenticate.ts',
    'packages/authbroker/src/internal/fault.ts',
  ],
  '3.1.1': ['packages/server/src/internal/server.ts'],
  '3.1.3': ['packages/certprov/src/internal/ca.ts'],
  '3.1.4.1': ['packages/certprov/src/internal/handler.ts'],
  '3.1.4.1.2.2': ['packages/certprov/src/internal/response.ts'],
  '3.1.4.1.2.3': ['packages/certprov/src/internal/request.ts'],
  '3.1.4.1.2.4': ['packages/certprov/src/internal/response.ts'],
  '3.1.4.1.3.2': ['packages/certprov/src/internal/response.ts'],
  '3.1.4.1.3.3': ['packages/diagnostics/src/internal/error-info.ts'],
  '3.1.4.1.5.1': ['packages/certprov/src/internal/get-and-publish-cert/device-id.ts'],
  '3.1.4.1.5.2': ['packages/certprov/src/internal/get-and-publish-cert/entity.ts'],
  '3.2': [
    'packages/wstrust/src/internal/verifier.ts',
    'packages/certprov/src/internal/get-and-publish-cert/authenticate.ts',
    'packages/authbroker/src/internal/authenticate.ts',
    'packages/authbroker/src/internal/fault.ts',
    'packages/server/src/internal/autodiscover.ts',
  ],
  '3.2.1': ['packages/wstrust/src/internal/handler.ts'],
  '3.2.4.1': ['packages/wstrust/src/internal/handler.ts'],
  '3.2.4.1.3.3': ['packages/wstrust/src/internal/handler.ts', 'packages/wstrust/src/internal/messages.ts'],
  '3.2.4.1.3.4': ['packages/wstrust/src/internal/messages.ts'],
  '3.3.1': ['packages/authbroker/src/internal/session-store.ts'],
  '3.3.2': ['packages/authbroker/src/internal/broker-state.ts'],
  '3.3.4': ['packages/authbroker/src/internal/handler.ts', 'packages/authbroker/src/internal/actions.ts'],
  '3.3.4.1.3.1': ['packages/authbroker/src/internal/messages.ts'],
  '3.3.4.2': ['packages/authbroker/src/internal/operations/terminate-session.ts'],
  '3.3.4.3': ['packages/authbroker/src/internal/operations/acquire-credential.ts', 'packages/authbroker/src/internal/certprov-credential-source.ts'],
  '3.3.4.4': ['packages/authbroker/src/internal/operations/negotiate-security-association.ts'],
  '3.3.4.4.3.2': ['packages/authbroker/src/internal/operations/negotiate-security-association.ts'],
  '3.3.4.5': ['packages/authbroker/src/internal/tls-dsk-common.ts'],
  '3.3.4.7.3.2': ['packages/authbroker/src/internal/hash-algorithm.ts', 'packages/authbroker/src/internal/messages.ts'],
  '3.1.4.1.4.1': ['packages/certprov/src/internal/get-and-publish-cert/respond.ts'],
  '6.1': ['packages/server/src/internal/spec-wsdl.ts'],
  '6.2': ['packages/wstrust/src/internal/metadata.ts'],
  '6.3': ['packages/server/src/internal/spec-wsdl.ts'],
};

/** The files implementing a section: its own entry, else the nearest ancestor's. */
export function implementedBy(section: string): readonly string[] {
  for (let s = section; s; s = s.includes('.') ? s.slice(0, s.lastIndexOf('.')) : '') if (IMPLEMENTED_BY[s]) return IMPLEMENTED_BY[s]!;
  return [];
}

const sectionKey = (s: string) =>
  s
    .split('.')
    .map((x) => x.padStart(3, '0'))
    .join('.');

/** Markdown: one table per section, the requirement ids with level and kind, and the implementing files. */
export function specMapMarkdown(checks: readonly Requirement[], judged: (r: Requirement) => 'check' | 'client-only' = () => 'check'): string {
  const bySection = new Map<string, Requirement[]>();
  for (const r of checks) bySection.set(r.section, [...(bySection.get(r.section) ?? []), r]);
  const lines = [
    '# MS-OCAUTHWS spec map',
    '',
    'Generated from the conformance registry by `node conformance/scripts/spec-map.mjs` (a test keeps it current):',
    'each section the suite judges, its requirement ids (level; `check`: judged against a target, `client-only`:',
    'constrains clients, with the reason in the registry) and the files implementing it on the server side.',
    '',
    '| section | requirements | implemented by |',
    '|---|---|---|',
  ];
  for (const s of [...bySection.keys()].sort((a, b) => (sectionKey(a) < sectionKey(b) ? -1 : 1))) {
    const reqs = bySection
      .get(s)!
      .map(
        (r) =>
          `${r.id} (${r.level}${(r.category ?? 'requirement') === 'requirement' ? '' : `, ${r.category}`}${judged(r) === 'client-only' ? ', client-only' : ''})`,
      );
    lines.push(
      `| ${s} | ${reqs.join('<br>')} | ${
        implementedBy(s)
          .map((f) => `\`${f}\``)
          .join('<br>') || '—'
      } |`,
    );
  }
  return lines.join('\n') + '\n';
}

/** Markdown: every normative statement (./spec-statements.ts rule) and the registry ids judging it. */
export function statementTableMarkdown(statements: readonly Statement[], map: readonly (readonly [string, readonly string[]])[]): string {
  const ids = new Map(map);
  const cell = (t: string) => t.replace(/\|/g, '\\|').replace(/</g, '&lt;');
  const lines = [
    '',
    '## Normative statements',
    '',
    `Every normative statement of sections 1.5, 1.8, 2, 3 and 6 (${statements.length}), extracted from`,
    '`vectors/spec/MS-OCAUTHWS.txt` by the rule in `conformance/src/internal/spec-statements.ts` (RFC 2119 keyword',
    'sentences, the 3.2 / 3.2.4.1 ErrorId table rows, the 3.2 OAuth2 validation list, the 3.1.4.1.4.1 ResponseCode',
    'meanings, the 3.3.4 operation table, the 1.5 sample and the 6.x WSDLs), and the registry ids that judge it',
    '(`conformance/src/internal/spec-statement-map.ts`).',
    '',
    '| section | kind | statement | registry ids |',
    '|---|---|---|---|',
  ];
  for (const s of statements)
    lines.push(
      `| ${s.section} | ${s.kind} | ${cell(s.text.length > 160 ? `${s.text.slice(0, 157)}...` : s.text)} | ${(ids.get(s.key) ?? []).join('<br>') || '**none**'} |`,
    );
  return lines.join('\n') + '\n';
}
