/** A normative requirement of MS-OCAUTHWS sections 2–3. A requirement without a check is reported `not-implemented`, never passing. */
export interface Requirement {
  id: string;
  section: string;
  level: 'MUST' | 'SHOULD';
  text: string;
  check?: (target: Target) => Promise<void>;
}
export interface Target { baseUrl: string; user?: string; pin?: string; password?: string; ca?: string }
export type Outcome = 'pass' | 'fail' | 'not-implemented';
export interface Result { id: string; section: string; level: 'MUST' | 'SHOULD'; outcome: Outcome; message?: string }

// Text quoted from (CP-3.1.4.1 still paraphrased) /work/shared/reference/MS-OCAUTHWS.txt.
export const REQUIREMENTS: Requirement[] = [
  { id: 'WT-3.2.4.1-28032', section: '3.2.4.1', level: 'MUST', text: 'wsse:InvalidSecurityToken 28032 The Web ticket is invalid.' /* error table of 3.2.4.1 */ },
  { id: 'WT-3.2.4.1-28033', section: '3.2.4.1', level: 'MUST', text: 'wsse:InvalidSecurityToken 28033 The Web ticket has expired.' /* error table of 3.2.4.1 */ },
  { id: 'CP-3.1.4.1', section: '3.1.4.1', level: 'MUST', text: '(paraphrase, not yet quoted) GetAndPublishCert requests are authenticated with a web ticket.' },
];

export async function runRequirements(target: Target, reqs: Requirement[] = REQUIREMENTS, progress: (r: Result) => void = () => {}): Promise<Result[]> {
  const out: Result[] = [];
  for (const r of reqs) {
    let res: Result;
    if (!r.check) res = { id: r.id, section: r.section, level: r.level, outcome: 'not-implemented' };
    else {
      try { await r.check(target); res = { id: r.id, section: r.section, level: r.level, outcome: 'pass' }; }
      catch (e) { res = { id: r.id, section: r.section, level: r.level, outcome: 'fail', message: e instanceof Error ? e.message : String(e) }; }
    }
    progress(res); out.push(res);
  }
  return out;
}

/** Exit code 0 only if every MUST requirement passes (not-implemented counts as not passing). */
export function exitCodeFor(results: Result[]): number {
  return results.every((r) => r.level !== 'MUST' || r.outcome === 'pass') ? 0 : 1;
}
