// ocauth vectors: structural check of every vectors/**/*.json (parses; each case has tcId and result),
// plus a cheap replay of the P_hash / P_SHA1 / ComputedKey known answers (vectors/psha1, vectors/wstrust)
// through @ocauth/psha1 and the WS-Security HMAC messages (signed by xmlsec1) through @ocauth/wstrust's
// verifyMessage. The other sets are replayed by their packages' test suites.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pHash, psha1 } from '@ocauth/psha1';
import { verifyMessage } from '@ocauth/wstrust';

type Case = { tcId?: unknown; result?: unknown; [k: string]: unknown };
const hex = (v: unknown) => (typeof v === 'string' ? Buffer.from(v, 'hex') : undefined);

/**
 * Replays a P_hash / P_SHA1 / ComputedKey case through @ocauth/psha1 when it has that shape
 * (secretHex+seedHex+outputHex, or requestorEntropyHex+issuerEntropyHex+keyHex); undefined otherwise.
 * A `valid` case must reproduce the output; an `invalid` one must throw or differ.
 */
function replayPHash(c: Case, hash: string): boolean | undefined {
  const secret = hex(c.secretHex ?? c.requestorEntropyHex);
  const seed = hex(c.seedHex ?? c.issuerEntropyHex);
  const exp = hex(c.outputHex ?? c.keyHex);
  if (!secret || !seed || (!exp && c.result === 'valid')) return undefined;
  const length = typeof c.length === 'number' ? c.length : (exp?.length ?? 0);
  let same: boolean;
  try {
    const got = Buffer.from(hash === 'sha1' ? psha1(secret, seed, length) : pHash(hash as never, secret, seed, length));
    same = !!exp && got.equals(exp);
  } catch {
    same = false;
  }
  return same === (c.result === 'valid');
}

/** Replays a WS-Security HMAC case through @ocauth/wstrust verifyMessage: valid verifies, invalid throws (with expectedCode when given). */
function replayHmac(c: Case, key: Buffer, skewSeconds: number | undefined): boolean | undefined {
  if (typeof c.msg !== 'string') return undefined;
  try {
    verifyMessage(c.msg, {
      resolveKey: () => key,
      ...(typeof c.now === 'string' ? { now: new Date(c.now) } : {}),
      ...(skewSeconds !== undefined ? { skewSeconds } : {}),
    });
    return c.result === 'valid';
  } catch (e) {
    return c.result === 'invalid' && (c.expectedCode === undefined || (e as { code?: string }).code === c.expectedCode);
  }
}

export async function runVectorsCli(root: string, out: (s: string) => void): Promise<number> {
  let bad = 0;
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((n) => {
      const f = join(d, n);
      return statSync(f).isDirectory() ? walk(f) : f.endsWith('.json') ? [f] : [];
    });
  for (const f of walk(root)) {
    try {
      const j = JSON.parse(readFileSync(f, 'utf8')) as {
        notes?: { skewSeconds?: number };
        testGroups?: { hash?: string; keyHex?: string; tests?: Case[] }[];
        tests?: Case[];
      };
      const cases = [...(j.tests ?? []), ...(j.testGroups ?? []).flatMap((g) => g.tests ?? [])];
      const missing = cases.filter((c) => c.tcId === undefined || c.result === undefined).length;
      let replayed = 0;
      const wrong: unknown[] = [];
      if (/ws-security-hmac/i.test(f)) {
        for (const g of j.testGroups ?? []) {
          const key = hex(g.keyHex);
          if (!key) continue;
          for (const c of g.tests ?? []) {
            const ok = replayHmac(c, key, j.notes?.skewSeconds);
            if (ok !== undefined) {
              replayed++;
              if (!ok) wrong.push(c.tcId);
            }
          }
        }
      }
      if (/psha1/i.test(f)) {
        for (const g of [{ hash: 'sha1', tests: j.tests ?? [] }, ...(j.testGroups ?? [])]) {
          for (const c of g.tests ?? []) {
            const ok = replayPHash(c, g.hash ?? 'sha1');
            if (ok !== undefined) {
              replayed++;
              if (!ok) wrong.push(c.tcId);
            }
          }
        }
      }
      if (cases.length === 0 || missing || wrong.length) {
        bad++;
        out(`FAIL ${f}: ${cases.length} cases, ${missing} without tcId/result${wrong.length ? `, replay mismatches tcId ${wrong.join(',')}` : ''}`);
      } else
        out(
          `ok   ${f}: ${cases.length} cases${replayed ? `, ${replayed} replayed through ${/hmac/.test(f) ? '@ocauth/wstrust verifyMessage' : '@ocauth/psha1'}` : ' (structure only)'}`,
        );
    } catch (e) {
      bad++;
      out(`FAIL ${f}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return bad ? 1 : 0;
}
