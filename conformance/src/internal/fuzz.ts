// ocauth fuzz: long-running differential fuzzing of @ocauth/c14n against libxml2 (xmllint --c14n,
// --c14n11, --exc-c14n) and of @ocauth/psha1 against OpenSSL's TLS1-PRF (P_SHA1 with digest SHA1).
// Every case derives from (seed, index), so a failure printed as `--seed S --case I` reproduces exactly.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { C14N_10_WITH_COMMENTS, C14N_11_WITH_COMMENTS, EXC_C14N_WITH_COMMENTS, canonicalizeXml } from '@ocauth/c14n';
import { psha1 } from '@ocauth/psha1';

/** mulberry32: a small deterministic PRNG (not for secrets). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const caseSeed = (seed: number, i: number) => (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(i, 0xc2b2ae35)) >>> 0;

const PREFIXES = ['', 'a', 'b', 'c'];
const URIS = ['http://example.test/a', 'http://example.test/b', 'urn:x-c', 'http://example.test/a/', 'urn:x-d?q=1#f'];
const LOCALS = ['e', 'f', 'Z', 'é', '\u{10000}', 'xmlnsx'];
const ATTRS = ['id', 'z', 'A', 'é', 'b', 'a1'];
const TEXTS = ['', 'x', ' ', '&amp;', '&lt;', '&gt;', '"', "'", '\t', '\n', '&#13;', ']]&gt;', 'é', '\u{1F600}', 'two  spaces'];

/** A random namespace-heavy, DOCTYPE-free, well-formed document (element/attribute order, default and prefixed namespaces, xml:*, comments, PIs). */
export function generateDocument(rand: () => number): string {
  const pick = <T>(l: readonly T[]): T => l[Math.floor(rand() * l.length)]!;
  const el = (depth: number, inScope: Map<string, string>): string => {
    const scope = new Map(inScope);
    const decls: string[] = [];
    for (let n = Math.floor(rand() * 3); n > 0; n--) {
      const p = pick(PREFIXES);
      const u = rand() < 0.1 && p === '' ? '' : pick(URIS);
      if (decls.some((d) => d.startsWith(p ? `xmlns:${p}=` : 'xmlns='))) continue;
      if (p && u === '') continue;
      decls.push(p ? `xmlns:${p}="${u}"` : `xmlns="${u}"`);
      scope.set(p, u);
    }
    const usable = [...scope.keys()].filter((p) => p !== '');
    const prefix = rand() < 0.5 && usable.length ? pick(usable) : '';
    const name = (prefix ? `${prefix}:` : '') + pick(LOCALS);
    const attrs: string[] = [];
    const seen = new Set<string>();
    for (let n = Math.floor(rand() * 4); n > 0; n--) {
      const ap = rand() < 0.4 && usable.length ? pick(usable) : '';
      const key = `${ap ? scope.get(ap) : ''}|${pick(ATTRS)}`;
      const local = key.split('|')[1]!;
      if (seen.has(key) || [...seen].some((k) => k.split('|')[1] === local && ap && k.split('|')[0] === scope.get(ap))) continue;
      seen.add(key);
      attrs.push(`${ap ? `${ap}:` : ''}${local}="${pick(TEXTS).replace(/"/g, '&quot;')}"`);
    }
    if (rand() < 0.15) attrs.push(`xml:lang="${pick(['en', '', 'fr'])}"`);
    const kids: string[] = [];
    for (let n = depth < 4 ? Math.floor(rand() * 4) : 0; n > 0; n--) {
      const r = rand();
      if (r < 0.5) kids.push(el(depth + 1, scope));
      else if (r < 0.8) kids.push(pick(TEXTS).replace(/"/g, '"'));
      else if (r < 0.9) kids.push(`<!--${pick(['', ' c ', 'é', '-x'])}-->`);
      else kids.push(`<?pi ${pick(['', 'data', 'a="b"'])}?>`);
    }
    const open = [name, ...decls, ...attrs].join(' ');
    return kids.length || rand() < 0.5 ? `<${open}>${kids.join('')}</${name}>` : `<${open}/>`;
  };
  const pre = rand() < 0.2 ? '<!--head--><?top x?>' : '';
  return `${pre}${el(0, new Map([['', '']]))}`;
}

export interface FuzzFailure {
  kind: 'c14n' | 'psha1';
  seed: number;
  index: number;
  detail: string;
}
export interface FuzzOptions {
  seconds: number;
  seed: number;
  xmllint?: boolean;
  openssl?: boolean;
  maxCases?: number;
  progress?: (s: string) => void;
}
export interface FuzzSummary {
  c14nCases: number;
  c14nRefusedByLibxml2: number;
  psha1Cases: number;
  failures: FuzzFailure[];
  skipped: string[];
}

const ALGS = [
  { uri: C14N_10_WITH_COMMENTS, flag: '--c14n' },
  { uri: C14N_11_WITH_COMMENTS, flag: '--c14n11' },
  { uri: EXC_C14N_WITH_COMMENTS, flag: '--exc-c14n' },
] as const;

const hasTool = (t: string, args: string[]) => spawnSync(t, args, { stdio: 'ignore' }).error === undefined;

/** One c14n differential case: ours vs xmllint over the same bytes. Returns a failure description or undefined. */
export function c14nCase(
  seed: number,
  index: number,
  dir: string,
  impl: (xml: string, algorithm: string) => string = (x, a) => canonicalizeXml(x, { algorithm: a as typeof C14N_10_WITH_COMMENTS }),
): string | null | undefined {
  const rand = prng(caseSeed(seed, index));
  const xml = generateDocument(rand);
  const alg = ALGS[index % ALGS.length]!;
  const file = join(dir, `case-${index % 4}.xml`);
  writeFileSync(file, xml);
  let theirs: string;
  try {
    theirs = execFileSync('xmllint', [alg.flag, file], { stdio: ['ignore', 'pipe', 'pipe'] }).toString('utf8');
  } catch {
    return null; // libxml2 refused the document (its own limits): not a comparison
  }
  let ours: string;
  try {
    ours = impl(xml, alg.uri);
  } catch (e) {
    return `${alg.flag}: ours threw ${(e as Error).message}; xmllint accepted\n  input: ${JSON.stringify(xml)}`;
  }
  if (ours !== theirs)
    return `${alg.flag}: output differs\n  input:   ${JSON.stringify(xml)}\n  ours:    ${JSON.stringify(ours)}\n  xmllint: ${JSON.stringify(theirs)}`;
  return undefined;
}

/** One PSHA1 case: @ocauth/psha1 vs `openssl kdf ... TLS1-PRF` (secret = requestor entropy, seed = issuer entropy). */
export function psha1Case(seed: number, index: number, impl: (secret: Uint8Array, seed: Uint8Array, length: number) => Uint8Array = psha1): string | undefined {
  const rand = prng(caseSeed(seed, index) ^ 0x5a5a5a5a);
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)));
  const secret = bytes(1 + Math.floor(rand() * 64));
  const s = bytes(1 + Math.floor(rand() * 64));
  const len = 1 + Math.floor(rand() * 200);
  const theirs = execFileSync(
    'openssl',
    [
      'kdf',
      '-keylen',
      String(len),
      '-kdfopt',
      'digest:SHA1',
      '-kdfopt',
      `hexsecret:${secret.toString('hex')}`,
      '-kdfopt',
      `hexseed:${s.toString('hex')}`,
      '-binary',
      'TLS1-PRF',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const ours = Buffer.from(impl(secret, s, len));
  return ours.equals(theirs)
    ? undefined
    : `P_SHA1 differs for secret ${secret.length} B, seed ${s.length} B, length ${len}: ours ${ours.toString('hex').slice(0, 40)}… openssl ${theirs.toString('hex').slice(0, 40)}…`;
}

export async function fuzz(o: FuzzOptions): Promise<FuzzSummary> {
  const skipped: string[] = [];
  const useXmllint = (o.xmllint ?? true) && hasTool('xmllint', ['--version']);
  const useOpenssl = (o.openssl ?? true) && hasTool('openssl', ['version']);
  if (!useXmllint) skipped.push('c14n (xmllint not on PATH)');
  if (!useOpenssl) skipped.push('psha1 (openssl not on PATH)');
  const dir = mkdtempSync(join(tmpdir(), 'ocauth-fuzz-'));
  const out: FuzzSummary = { c14nCases: 0, c14nRefusedByLibxml2: 0, psha1Cases: 0, failures: [], skipped };
  const end = Date.now() + o.seconds * 1000;
  let lastReport = Date.now();
  try {
    for (let i = 0; Date.now() < end && (o.maxCases === undefined || i < o.maxCases) && (useXmllint || useOpenssl); i++) {
      if (useXmllint) {
        const f = c14nCase(o.seed, i, dir);
        out.c14nCases++;
        if (f === null) out.c14nRefusedByLibxml2++;
        if (f) {
          out.failures.push({ kind: 'c14n', seed: o.seed, index: i, detail: f });
          o.progress?.(`FAIL c14n --seed ${o.seed} --case ${i}\n${f}`);
        }
      }
      if (useOpenssl && i % 3 === 0) {
        const f = psha1Case(o.seed, i);
        out.psha1Cases++;
        if (f) {
          out.failures.push({ kind: 'psha1', seed: o.seed, index: i, detail: f });
          o.progress?.(`FAIL psha1 --seed ${o.seed} --case ${i}\n${f}`);
        }
      }
      if (Date.now() - lastReport > 5000) {
        lastReport = Date.now();
        o.progress?.(`... ${out.c14nCases} c14n, ${out.psha1Cases} psha1 cases, ${out.failures.length} failures`);
      }
      if (i % 50 === 49) await new Promise((r) => setImmediate(r));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

export async function runFuzzCli(args: string[], out: (s: string) => void): Promise<number> {
  const flag = (n: string) => {
    const i = args.indexOf(`--${n}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const seconds = Number(flag('seconds') ?? 30);
  const seed = flag('seed') !== undefined ? Number(flag('seed')) >>> 0 : (Date.now() ^ (process.pid << 8)) >>> 0;
  const only = flag('case');
  if (!Number.isFinite(seconds) || seconds <= 0) {
    out(`--seconds: expected a positive number, received ${flag('seconds')}`);
    return 2;
  }
  if (only !== undefined) {
    const i = Number(only);
    const dir = mkdtempSync(join(tmpdir(), 'ocauth-fuzz-'));
    try {
      const f = [c14nCase(seed, i, dir), i % 3 === 0 ? psha1Case(seed, i) : undefined].filter(Boolean);
      out(
        f.length
          ? `FAIL --seed ${seed} --case ${i}\n${f.join('\n')}`
          : `ok --seed ${seed} --case ${i}\n  input: ${JSON.stringify(generateDocument(prng(caseSeed(seed, i))))}`,
      );
      return f.length ? 1 : 0;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  out(`ocauth fuzz: seed ${seed}, ${seconds} s (c14n vs xmllint, PSHA1 vs openssl TLS1-PRF)`);
  const s = await fuzz({ seconds, seed, progress: out });
  for (const k of s.skipped) out(`skipped: ${k}`);
  out(
    `${s.c14nCases} c14n cases (${s.c14nRefusedByLibxml2} refused by libxml2, not compared), ${s.psha1Cases} psha1 cases, ${s.failures.length} failures${s.failures.length ? ` — reproduce with: ocauth fuzz --seed ${seed} --case ${s.failures[0]!.index}` : ''}`,
  );
  return s.failures.length || s.c14nCases + s.psha1Cases === 0 ? 1 : 0;
}
