// ocauth vectors: structural check of every vectors/**/*.json (parses; each case has tcId and result),
// plus a cheap replay of the PSHA1 known answers through @ocauth/psha1.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { psha1 } from '@ocauth/psha1';

type Case = { tcId?: unknown; result?: unknown; [k: string]: unknown };
const hex = (v: unknown) => (typeof v === 'string' ? Buffer.from(v, 'hex') : undefined);

/** Replays a PSHA1 case when it has secret/seed/expected hex fields; undefined when the case has another shape. */
function replayPsha1(c: Case): boolean | undefined {
  const secret = hex(c.secret ?? c.requestorEntropy ?? c.clientEntropy);
  const seed = hex(c.seed ?? c.issuerEntropy ?? c.serverEntropy);
  const exp = hex(c.expected ?? c.output ?? c.key);
  if (!secret || !seed || !exp) return undefined;
  const got = Buffer.from(psha1(secret, seed, exp.length));
  return got.equals(exp) === (c.result !== 'invalid');
}

export async function runVectorsCli(root: string, out: (s: string) => void): Promise<number> {
  let bad = 0;
  const walk = (d: string): string[] => readdirSync(d).flatMap((n) => { const f = join(d, n); return statSync(f).isDirectory() ? walk(f) : f.endsWith('.json') ? [f] : []; });
  for (const f of walk(root)) {
    try {
      const j = JSON.parse(readFileSync(f, 'utf8')) as { testGroups?: { tests?: Case[] }[]; tests?: Case[] };
      const cases = [...(j.tests ?? []), ...(j.testGroups ?? []).flatMap((g) => g.tests ?? [])];
      const missing = cases.filter((c) => c.tcId === undefined || c.result === undefined).length;
      let replayed = 0;
      let wrong: unknown[] = [];
      if (/psha1/i.test(f)) for (const c of cases) { const ok = replayPsha1(c); if (ok !== undefined) { replayed++; if (!ok) wrong.push(c.tcId); } }
      if (cases.length === 0 || missing || wrong.length) { bad++; out(`FAIL ${f}: ${cases.length} cases, ${missing} without tcId/result${wrong.length ? `, replay mismatches tcId ${wrong.join(',')}` : ''}`); }
      else out(`ok   ${f}: ${cases.length} cases${replayed ? `, ${replayed} replayed through @ocauth/psha1` : ' (structure only)'}`);
    } catch (e) {
      bad++;
      out(`FAIL ${f}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return bad ? 1 : 0;
}
