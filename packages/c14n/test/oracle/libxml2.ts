// TypeScript side of the libxml2 canonicalization oracle (c14n-driver.c beside this file).
// The driver is compiled at test time with the system C compiler against libxml2
// (`cc $(xml2-config --cflags) ... $(xml2-config --libs)`) into a cache directory keyed by the
// source and the libxml2 version, then fed many cases per process (one spawn per batch).
// Locally a missing compiler/libxml2-dev skips the cross-check (returns null, says why);
// under CI=true hasTool() throws, so the oracle cannot be silently absent there.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasTool } from '../../../../testing/tools.js';

export type OracleMode = '1.0' | '1.1' | 'exc';

export interface OracleCase {
  mode: OracleMode;
  withComments?: boolean;
  /** InclusiveNamespaces PrefixList entries (`#default` for the default namespace). */
  inclusiveNamespaces?: readonly string[];
  /** XPath 1.0 node-set expression (namespace nodes included); absent = whole document. */
  xpath?: string;
  namespaces?: Readonly<Record<string, string>>;
  /**
   * Node set by document-order indexes (elements, attributes without xmlns, text/CDATA, comments,
   * PIs numbered from 0); every selected element brings all its in-scope namespace nodes. This is
   * exactly what a DOM node set means, so any subset our API takes can be handed to libxml2.
   */
  indexes?: readonly number[];
  /** Input: a file path (DTD/external entities resolve next to it) or the document bytes. */
  file?: string;
  document?: string | Uint8Array;
}

export type OracleResult = { ok: true; output: Buffer } | { ok: false; error: string };

export interface NodeSetDescription {
  /** Document-order indexes of the selected elements, attributes (xmlns not counted), text, comments, PIs. */
  selected: number[];
  /** True when the selected namespace nodes are exactly the in-scope namespaces of the selected elements. */
  namespacesFull: boolean;
  /** How many nodes the document-order numbering has (elements, attributes, text, comments, PIs). */
  total: number;
}

export interface Libxml2C14n {
  readonly version: string;
  /** Canonicalize each case with libxml2 (one process for the whole batch). */
  run(cases: readonly OracleCase[]): OracleResult[];
  /** libxml2's evaluation of each case's XPath node set (see NodeSetDescription). */
  describe(cases: readonly OracleCase[]): (NodeSetDescription | { error: string })[];
}

const ALGORITHMS: Record<string, { mode: OracleMode; withComments: boolean }> = {
  'http://www.w3.org/TR/2001/REC-xml-c14n-20010315': { mode: '1.0', withComments: false },
  'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments': { mode: '1.0', withComments: true },
  'http://www.w3.org/2006/12/xml-c14n11': { mode: '1.1', withComments: false },
  'http://www.w3.org/2006/12/xml-c14n11#WithComments': { mode: '1.1', withComments: true },
  'http://www.w3.org/2001/10/xml-exc-c14n#': { mode: 'exc', withComments: false },
  'http://www.w3.org/2001/10/xml-exc-c14n#WithComments': { mode: 'exc', withComments: true },
};

/** Maps a W3C algorithm URI to the driver's mode and comment flag. */
export function oracleMode(algorithm: string): { mode: OracleMode; withComments: boolean } {
  const m = ALGORITHMS[algorithm];
  if (!m) throw new Error(`unknown canonicalization algorithm URI '${algorithm}'`);
  return m;
}

let cached: Libxml2C14n | null | undefined;
let skipReason = '';

/** Why libxml2Oracle() returned null (empty when it did not). */
export function oracleSkipReason(): string {
  return skipReason;
}

/** The compiled driver, or null (locally only) when cc / xml2-config are missing. */
export function libxml2Oracle(): Libxml2C14n | null {
  if (cached !== undefined) return cached;
  if (!hasTool('cc') || !hasTool('xml2-config')) {
    skipReason = 'libxml2 oracle skipped: cc or xml2-config (libxml2-dev) not on PATH';
    console.warn(skipReason);
    cached = null;
    return cached;
  }
  const src = fileURLToPath(new URL('./c14n-driver.c', import.meta.url));
  const xml2 = (...a: string[]) => execFileSync('xml2-config', a).toString().trim();
  const version = xml2('--version');
  const cflags = xml2('--cflags').split(/\s+/).filter(Boolean);
  const libs = xml2('--libs').split(/\s+/).filter(Boolean);
  const key = createHash('sha256').update(readFileSync(src)).update(version).update(cflags.join(' ')).update(libs.join(' ')).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'ocauth-c14n-oracle');
  const bin = join(dir, `c14n-driver-${key}`);
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    const tmp = `${bin}.${process.pid}.tmp`;
    const r = spawnSync('cc', [...cflags, '-O1', '-o', tmp, src, ...libs], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`compiling the libxml2 c14n driver failed:\n${r.stderr}`);
    renameSync(tmp, bin); // atomic: parallel test workers never see a half-written binary
  }
  cached = {
    version,
    run: (cases) => runBatch(bin, cases, 'G'),
    describe: (cases) =>
      runBatch(bin, cases, 'L').map((r) => {
        if (!r.ok) return { error: r.error };
        const [sel = '', ns = '', nodes = ''] = r.output.toString('latin1').split('\n');
        return { selected: sel.split(' ').slice(1).map(Number), namespacesFull: ns === 'ns full', total: Number(nodes.slice(6)) };
      }),
  };
  return cached;
}

function record(key: string, value: string | Uint8Array): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
  return Buffer.concat([Buffer.from(`${key} ${bytes.length}\n`), bytes, Buffer.from('\n')]);
}

function runBatch(bin: string, cases: readonly OracleCase[], go: 'G' | 'L'): OracleResult[] {
  if (cases.length === 0) return [];
  const parts: Buffer[] = [];
  for (const c of cases) {
    parts.push(record('M', c.mode), record('C', c.withComments ? '1' : '0'));
    for (const p of c.inclusiveNamespaces ?? []) parts.push(record('P', p));
    for (const [p, uri] of Object.entries(c.namespaces ?? {})) parts.push(record('N', `${p} ${uri}`));
    if (c.xpath !== undefined) parts.push(record('X', c.xpath));
    if (c.indexes !== undefined) parts.push(record('I', c.indexes.join(' ')));
    if (c.file !== undefined) parts.push(record('F', c.file));
    else if (c.document !== undefined) parts.push(record('D', c.document));
    parts.push(record(go, ''));
  }
  const r = spawnSync(bin, [], { input: Buffer.concat(parts), maxBuffer: 1 << 30 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`c14n driver exited ${r.status}: ${r.stderr.toString()}`);
  const out = r.stdout;
  const results: OracleResult[] = [];
  let pos = 0;
  while (pos < out.length) {
    const nl = out.indexOf(0x0a, pos);
    const m = /^(OK|ERR) (\d+)$/.exec(out.subarray(pos, nl).toString('latin1'));
    if (!m) throw new Error(`c14n driver: bad reply header at byte ${pos}`);
    const len = Number(m[2]);
    const body = out.subarray(nl + 1, nl + 1 + len);
    pos = nl + 1 + len + 1;
    results.push(m[1] === 'OK' ? { ok: true, output: Buffer.from(body) } : { ok: false, error: body.toString('utf8') });
  }
  if (results.length !== cases.length) throw new Error(`c14n driver answered ${results.length} of ${cases.length} cases`);
  return results;
}
