// The requirements registry: every normative MUST / SHOULD of MS-OCAUTHWS sections 2–3 the runner
// knows, each with the spec's text (quoted from vectors/spec/MS-OCAUTHWS.txt) and a check against a
// black-box target. Checks that cannot be automated against a target say so (`manual`, with the
// reason); rules that constrain only clients say so too (`client-only`).
import type { RunContext } from './context.js';
import { ClientOnly, ManualCheck } from './context.js';

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
  /** Set when the statement constrains only clients: how ocauth's own client keeps it (the check reports `client-only`). */
  clientOnly?: string;
  /** Resolves (pass) or throws (fail; a ManualCheck means `manual`). May return a note. */
  check?: (ctx: RunContext) => Promise<void | string>;
}
/**
 * `manual`: the check could not run against this target (a MUST left unchecked);
 * `client-only`: the statement constrains clients, nothing a server does can be observed.
 */
export type Outcome = 'pass' | 'fail' | 'manual' | 'client-only' | 'not-implemented';
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

/**
 * Run each requirement's check in order: resolving passes, a ManualCheck / ClientOnly makes it `manual` / `client-only`,
 * any other error fails it (with its message); a requirement without a check is `not-implemented`.
 * @throws never: check errors (ERR_CONFORMANCE_CHECK, ERR_CONFORMANCE_MANUAL, any other) become results; only an error
 *   thrown by the `progress` callback propagates.
 */
export async function runRequirements(
  ctx: RunContext,
  reqs: readonly Requirement[],
  progress: (r: Result, index: number, total: number) => void = () => {},
): Promise<Result[]> {
  const out: Result[] = [];
  for (const [i, r] of reqs.entries()) {
    const base = {
      id: r.id,
      section: r.section,
      level: r.level,
      category: r.category ?? 'requirement',
      ...(r.enforces ? { enforces: r.enforces } : {}),
    } as const;
    const t0 = performance.now();
    let res: Result;
    if (!r.check) res = { ...base, outcome: 'not-implemented', ms: 0 };
    else {
      try {
        const note = await r.check(ctx);
        res = { ...base, outcome: 'pass', ms: performance.now() - t0, ...(note ? { message: note } : {}) };
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        res = { ...base, outcome: e instanceof ClientOnly ? 'client-only' : e instanceof ManualCheck ? 'manual' : 'fail', ms: performance.now() - t0, message };
      }
    }
    progress(res, i, reqs.length);
    out.push(res);
  }
  return out;
}

/** Exit codes of a conformance run (2 is the command line's: bad flags, no checks selected, unreadable files). */
export const EXIT = { pass: 0, mustFailed: 1, usage: 2, mustUnchecked: 3 } as const;

/**
 * MUST requirements that failed (or have no check) and MUST requirements that could not be checked here.
 * @throws never
 */
export function mustVerdict(results: readonly Result[]): { failed: string[]; unchecked: string[] } {
  const musts = results.filter((r) => r.level === 'MUST');
  return {
    failed: musts.filter((r) => r.outcome === 'fail' || r.outcome === 'not-implemented').map((r) => r.id),
    unchecked: musts.filter((r) => r.outcome === 'manual').map((r) => r.id),
  };
}

/**
 * 0 only if every MUST ran and passed (client-only rules aside); 1 if a MUST failed or has no check;
 * otherwise 3 when some MUST could not be checked against this target — or 1 under `strict` (`--strict`,
 * and always for the embedded target, where every server-side MUST can be checked).
 * @throws never
 */
export function exitCodeFor(results: readonly Result[], opts: { strict?: boolean } = {}): number {
  const v = mustVerdict(results);
  if (v.failed.length) return EXIT.mustFailed;
  if (v.unchecked.length) return opts.strict ? EXIT.mustFailed : EXIT.mustUnchecked;
  return EXIT.pass;
}
