// The requirements registry: every normative MUST / SHOULD of MS-OCAUTHWS sections 2–3 the runner
// knows, each with the spec's text (quoted from /work/shared/reference/MS-OCAUTHWS.txt) and a check
// against a black-box target. Checks that cannot be automated say so (`manual`, with the reason).
import type { RunContext } from './context.js';
import { ManualCheck } from './context.js';

export type Level = 'MUST' | 'SHOULD';
export type Category = 'requirement' | 'example' | 'flow' | 'hostile';
/** A named normative requirement and its check. A requirement without a check is reported `not-implemented`, never passing. */
export interface Requirement {
  /** OCAUTH-<section>-<nn>; examples EX-4.x-..., flows FLOW-..., hostile HOSTILE-... carry the requirement they enforce in `enforces`. */
  id: string;
  section: string;
  level: Level;
  /** Text quoted from the spec (`...` marks elisions, `[editorial: ...]` our notes); a test checks it against the spec text. */
  text: string;
  category?: Category;
  /** For examples / flows / hostile requests: the requirement id(s) the expectation comes from. */
  enforces?: string[];
  /** Resolves (pass) or throws (fail; a ManualCheck means `manual`). May return a note. */
  check?: (ctx: RunContext) => Promise<void | string>;
}
export type Outcome = 'pass' | 'fail' | 'manual' | 'not-implemented';
export interface Result {
  id: string;
  section: string;
  level: Level;
  category: Category;
  outcome: Outcome;
  ms: number;
  message?: string;
  enforces?: string[];
}

export async function runRequirements(ctx: RunContext, reqs: readonly Requirement[], progress: (r: Result, index: number, total: number) => void = () => {}): Promise<Result[]> {
  const out: Result[] = [];
  for (const [i, r] of reqs.entries()) {
    const base = { id: r.id, section: r.section, level: r.level, category: r.category ?? 'requirement', ...(r.enforces ? { enforces: r.enforces } : {}) } as const;
    const t0 = performance.now();
    let res: Result;
    if (!r.check) res = { ...base, outcome: 'not-implemented', ms: 0 };
    else {
      try {
        const note = await r.check(ctx);
        res = { ...base, outcome: 'pass', ms: performance.now() - t0, ...(note ? { message: note } : {}) };
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        res = { ...base, outcome: e instanceof ManualCheck ? 'manual' : 'fail', ms: performance.now() - t0, message };
      }
    }
    progress(res, i, reqs.length);
    out.push(res);
  }
  return out;
}

/**
 * Exit code 0 only if every MUST passes. `manual` MUSTs do not fail the run (they cannot be automated
 * against this target and are listed with the reason); `not-implemented` MUSTs do.
 */
export function exitCodeFor(results: readonly Result[]): number {
  return results.every((r) => r.level !== 'MUST' || r.outcome === 'pass' || r.outcome === 'manual') ? 0 : 1;
}
