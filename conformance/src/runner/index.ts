// Public API of the conformance runner (re-exported by the package entry point).
export { startEmbeddedTarget, PATHS } from './embedded-target.js';
export type { EmbeddedTarget, EmbeddedFaults } from './embedded-target.js';
export type { Target } from './target.js';
export { httpsFetch } from './https-fetch.js';
export type { HttpsFetchOptions, FetchLike } from './https-fetch.js';
export { RunContext, ManualCheck, SkipCheck, CheckFailed } from './context.js';
export type { RawResponse } from './context.js';
export { REQUIREMENTS, FLOWS, HOSTILE, ALL_CHECKS } from './requirements.js';
export type { Requirement, Level, Kind } from './requirements.js';
export { runChecks, formatTable, toJUnit, progressLine } from './run.js';
export type { Report, CheckResult, Status } from './run.js';
export { conformanceMain, CONFORMANCE_USAGE } from './main.js';
export { issueCertificate } from './pki.js';
