export { REQUIREMENTS, runRequirements, exitCodeFor } from './internal/requirements.js';
export type { Requirement, Target, Outcome, Result } from './internal/requirements.js';
