// The registry: every check of the suite, assembled once from the arrays the modules of checks/ export
// (nothing is pushed into an exported array after load). Requirements are ordered by section, then id;
// examples, flows, the SIP leg and hostile requests follow in the order their modules list them.
import type { Requirement } from '../requirements.js';
import { SIP_FLOWS } from '../sip-leg.js';
import { AUTH_BROKER_CHECKS } from './auth-broker.js';
import { BROKER_CHECKS } from './broker.js';
import { CERT_PROV_CHECKS } from './certificate-provisioning.js';
import { CERT_PROV_HARDENING_CHECKS } from './certprov-hardening.js';
import { EXAMPLE_SHAPE_CHECKS } from './example-shapes.js';
import { EXAMPLE_REPLAY_CHECKS } from './examples.js';
import { FLOW_CHECKS } from './flows.js';
import { HAND_BUILT_CHECKS } from './hand-built.js';
import { HOSTILE_CHECKS } from './hostile.js';
import { REAL_CLIENT_CHECKS } from './real-clients.js';
import { SERVICE_DESCRIPTION_CHECKS } from './service-descriptions.js';
import { SECTION_2_CHECKS } from './transport.js';
import { WEB_TICKET_ERROR_CHECKS } from './web-ticket-errors.js';
import { WEB_TICKET_CHECKS } from './web-ticket.js';
import { WEB_TICKET_TABLE_CHECKS } from './web-ticket-tables.js';

const sectionKey = (r: Requirement) =>
  r.section
    .split('.')
    .map((x) => x.padStart(3, '0'))
    .join('.');
const bySectionThenId = (a: Requirement, b: Requirement) => {
  const ka = sectionKey(a),
    kb = sectionKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
};
const ofCategory = (c: Requirement['category']) => (r: Requirement) => (r.category ?? 'requirement') === c;

/** The normative statements of MS-OCAUTHWS 1.5, 2, 3 and 6, each with its check (or its client-only reason). */
export const REQUIREMENTS: readonly Requirement[] = [
  ...SECTION_2_CHECKS,
  ...CERT_PROV_CHECKS,
  ...WEB_TICKET_CHECKS,
  ...AUTH_BROKER_CHECKS,
  ...HAND_BUILT_CHECKS.filter(ofCategory('requirement')),
  ...WEB_TICKET_ERROR_CHECKS,
  ...WEB_TICKET_TABLE_CHECKS,
  ...SERVICE_DESCRIPTION_CHECKS,
  ...BROKER_CHECKS,
  ...CERT_PROV_HARDENING_CHECKS.filter(ofCategory('requirement')),
].sort(bySectionThenId);
/** The section 4 examples: shapes, then byte replays. */
export const EXAMPLES: readonly Requirement[] = [...EXAMPLE_SHAPE_CHECKS, ...EXAMPLE_REPLAY_CHECKS];
/** End-to-end flows, including those of real clients. */
export const FLOWS: readonly Requirement[] = [...FLOW_CHECKS, ...HAND_BUILT_CHECKS.filter(ofCategory('flow')), ...REAL_CLIENT_CHECKS];
/** Hostile requests every service must refuse. */
export const HOSTILE: readonly Requirement[] = [
  ...HOSTILE_CHECKS,
  ...HAND_BUILT_CHECKS.filter(ofCategory('hostile')),
  ...CERT_PROV_HARDENING_CHECKS.filter(ofCategory('hostile')),
];
/** Everything the `conformance` command runs, in report order. */
export const ALL_CHECKS: readonly Requirement[] = [...REQUIREMENTS, ...EXAMPLES, ...FLOWS, ...SIP_FLOWS, ...HOSTILE];
/** Ids of the statements that constrain only clients (reported `client-only`). */
export const CLIENT_ONLY_IDS: ReadonlySet<string> = new Set(ALL_CHECKS.filter((r) => r.clientOnly !== undefined).map((r) => r.id));
