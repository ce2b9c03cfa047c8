// Child process of stream.bench.mjs: streams the canonical form of a ~N MB document into SHA-256 and
// reports the peak of memory beyond the input (V8 heap + external + array buffers, sampled at every
// chunk, minus the baseline taken after the input string exists), the time and the digest.
import { createHash } from 'node:crypto';
import { canonicalizeXmlTo, EXC_C14N } from '../dist/index.js';
import { envelope, record } from './stream-doc.mjs';

const mb = Number(process.argv[2] ?? 100);
const parts = [];
let size = 0;
for (let i = 0; size < mb << 20; i++) {
  const s = record(i);
  parts.push(s);
  size += s.length;
}
const xml = envelope(`<m:List xmlns:m="http://tempuri.org/model">${parts.join('')}</m:List>`);
parts.length = 0;
xml.charCodeAt(xml.length >> 1);
globalThis.gc?.();
globalThis.gc?.();
const used = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.external + m.arrayBuffers;
};
const base = used();
const rss0 = process.memoryUsage().rss;
let rssPeak = rss0;
let peak = base;
const hash = createHash('sha256');
const t = performance.now();
canonicalizeXmlTo(xml, { algorithm: EXC_C14N, parse: { maxBytes: 1 << 30 } }, (chunk) => {
  hash.update(chunk);
  const u = used();
  if (u > peak) peak = u;
  const r = process.memoryUsage.rss();
  if (r > rssPeak) rssPeak = r;
});
const ms = performance.now() - t;
// RSS sampled like the heap (pages the input's construction touched stay resident, so this is an
// upper bound of what the run itself added).
const rssGrowth = Math.max(0, rssPeak - rss0);
console.log(JSON.stringify({ inputBytes: Buffer.byteLength(xml), peakBeyondInput: peak - base, rssGrowth, ms, sha256: hash.digest('hex') }));
