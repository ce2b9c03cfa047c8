// Exclusive c14n throughput, against xml-crypto 6's ExclusiveCanonicalization and xmllint --exc-c14n
// in the same run.
// - As issue #2 asks, xml-crypto canonicalizes the same DOM as ours (parseXml, xmldom 0.9); each row
//   first checks that both outputs are identical. xml-crypto bundles xmldom 0.8 and is not correct on
//   every 0.9 DOM (DESIGN.md traps), so a second row, without target, gives it its own 0.8 DOM.
// - Every c14n row reads its output once (charCodeAt), so a result built as a rope pays for flattening
//   as a digest would: xml-crypto returns a flat string (Array#join), ours too.
// - Parsing is outside the timed function in the c14n-only rows. xmllint includes process start and
//   parsing, so it is compared with our parse + c14n of the same bytes.
// Targets (issue #2): ≥ 3x xml-crypto's c14n throughput; parse + c14n of the Timestamp case ≥ 30k ops/s.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalize, EXC_C14N, parseXml } from '../dist/index.js';
import { parsePrepared, prepareXmlText } from '../dist/internal/parse.js';

const require = createRequire(new URL('../../../package.json', import.meta.url));
const xmlCryptoRequire = createRequire(require.resolve('xml-crypto'));
const { ExclusiveCanonicalization } = require('xml-crypto');
const { DOMParser: DOMParser08 } = xmlCryptoRequire('@xmldom/xmldom');

const WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const TS = `<u:Timestamp u:Id="_0"><u:Created>2026-11-23T08:00:00.000Z</u:Created><u:Expires>2026-11-23T08:05:00.000Z</u:Expires></u:Timestamp>`;

function envelope(body) {
  return (
    `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:a="http://www.w3.org/2005/08/addressing" xmlns:u="${WSU}">` +
    `<s:Header><a:Action s:mustUnderstand="1">http://tempuri.org/IService/Op</a:Action><a:MessageID>urn:uuid:7e62744e-bb8b-4f79-a4c8-623c866adf8c</a:MessageID>` +
    `<o:Security s:mustUnderstand="1" xmlns:o="${WSSE}">${TS}</o:Security></s:Header>` +
    `<s:Body u:Id="_1">${body}</s:Body></s:Envelope>`
  );
}

/** A SOAP document of about `bytes` bytes: repeated namespaced records with attributes, text and escapes. */
function soapOfSize(bytes) {
  const item = (i) =>
    `<m:Item xmlns:m="http://tempuri.org/model" m:id="${i}" kind="user" note="a &amp; b &lt; c"><m:Name>User ${i} &amp; Co</m:Name>` +
    `<m:Uri>sip:user${i}@example.com</m:Uri><m:Flags xmlns="http://tempuri.org/flags" enabled="true">x</m:Flags><!-- c ${i} --></m:Item>`;
  const parts = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const s = item(i);
    parts.push(s);
    size += s.length;
  }
  return envelope(`<m:List xmlns:m="http://tempuri.org/model">${parts.join('')}</m:List>`);
}

/**
 * A SOAP document of about `bytes` bytes whose weight is in base64 blobs (certificates, CSRs, TLS
 * flights: what MS-OCAUTHWS messages carry), deterministic so runs compare.
 */
function blobSoapOfSize(bytes) {
  const blob = (i) => Buffer.from(Array.from({ length: 2250 }, (_, k) => (i * 131 + k * 7) & 0xff)).toString('base64');
  const parts = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const s = `<b:Blob xmlns:b="http://tempuri.org/blob" b:n="${i}" type="x509">${blob(i)}</b:Blob>`;
    parts.push(s);
    size += s.length;
  }
  return envelope(`<b:Blobs xmlns:b="http://tempuri.org/blob">${parts.join('')}</b:Blobs>`);
}

/**
 * Same row shape as h.compare, for operations that take 10 ms to seconds: tinybench insists on at
 * least 64 iterations per task and round, which would take many minutes here. Interleaved rounds of
 * `n` runs each; median of the per-round ratios, as the harness does.
 */
async function compareSlow({ name, subject, reference, subjectName = 'ocauth', referenceName, target, n = 3, rounds = 3 }) {
  const quick = process.env.OCAUTH_BENCH_QUICK === '1';
  if (quick) {
    n = 1;
    rounds = 1;
  }
  subject();
  reference();
  const subj = [];
  const ref = [];
  const ratios = [];
  const rate = (fn) => {
    const t = performance.now();
    for (let i = 0; i < n; i++) fn();
    return n / ((performance.now() - t) / 1000);
  };
  for (let r = 0; r < rounds; r++) {
    const s = rate(subject);
    const f = rate(reference);
    subj.push(s);
    ref.push(f);
    ratios.push(s / f);
  }
  const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  return {
    name,
    subject: subjectName,
    subjectOpsPerSec: med(subj),
    reference: referenceName,
    referenceOpsPerSec: med(ref),
    ratio: med(ratios),
    target: target?.atLeast,
    met: target?.atLeast === undefined ? undefined : med(ratios) >= target.atLeast,
  };
}

/** Read the result once: forces a rope to be flattened, as hashing it would. */
const read = (s) => (s.charCodeAt(s.length >> 1), s);

export default async function (h) {
  const xc = new ExclusiveCanonicalization();
  const dir = mkdtempSync(join(tmpdir(), 'ocauth-c14n-bench-'));
  const rows = [];
  const cases = [
    { name: '1 MB SOAP document', xml: soapOfSize(1 << 20) },
    { name: '10 MB SOAP document', xml: soapOfSize(10 << 20), slow: true },
  ];
  for (const c of cases) {
    const ours = parseXml(c.xml);
    const theirs = new DOMParser08().parseFromString(c.xml, 'text/xml');
    // Sanity: all three produce the same bytes on this document.
    const a = canonicalize(ours.documentElement, { algorithm: EXC_C14N });
    if (a !== xc.process(ours.documentElement, {}) || a !== xc.process(theirs.documentElement, {}))
      throw new Error(`${c.name}: xml-crypto and ocauth disagree`);
    rows.push(
      await (c.slow ? compareSlow : h.compare)({
        name: `exc-c14n of a ${c.name} (c14n only, same DOM)`,
        subject: () => read(canonicalize(ours.documentElement, { algorithm: EXC_C14N })),
        reference: () => read(xc.process(ours.documentElement, {})),
        referenceName: 'xml-crypto 6 ExclusiveCanonicalization (same xmldom 0.9 DOM)',
        target: { atLeast: 3 },
      }),
    );
    if (!c.slow) {
      rows.push(
        await h.compare({
          name: `exc-c14n of a ${c.name} (c14n only, xml-crypto on its own xmldom 0.8 DOM; no target)`,
          subject: () => read(canonicalize(ours.documentElement, { algorithm: EXC_C14N })),
          reference: () => read(xc.process(theirs.documentElement, {})),
          referenceName: 'xml-crypto 6 ExclusiveCanonicalization (xmldom 0.8 DOM)',
        }),
      );
    }
    const file = join(dir, `${c.name.replace(/\W+/g, '-')}.xml`);
    writeFileSync(file, c.xml);
    rows.push(
      await compareSlow({
        name: `parse + exc-c14n of a ${c.name}`,
        subject: () => canonicalize(parseXml(c.xml, { maxBytes: 64 << 20 }).documentElement, { algorithm: EXC_C14N }),
        reference: () => {
          const r = spawnSync('xmllint', ['--exc-c14n', file], { maxBuffer: 256 << 20 });
          if (r.status !== 0) throw new Error(`xmllint failed: ${r.stderr}`);
        },
        referenceName: 'xmllint --exc-c14n (process, parse, c14n)',
        n: c.slow ? 2 : 5,
      }),
    );
  }

  // Informational: the same comparison on a blob-heavy document (long text nodes).
  {
    const xml = blobSoapOfSize(1 << 20);
    const ours = parseXml(xml);
    const a = canonicalize(ours.documentElement, { algorithm: EXC_C14N });
    if (a !== xc.process(ours.documentElement, {})) throw new Error('blob document: xml-crypto and ocauth disagree');
    rows.push(
      await h.compare({
        name: 'exc-c14n of a 1 MB SOAP document of base64 blobs (c14n only, same DOM; no target)',
        subject: () => read(canonicalize(ours.documentElement, { algorithm: EXC_C14N })),
        reference: () => read(xc.process(ours.documentElement, {})),
        referenceName: 'xml-crypto 6 ExclusiveCanonicalization (same xmldom 0.9 DOM)',
      }),
    );
  }

  // parseXml's own fast path against its xmldom path (the same DOM; no target): what the fast path buys.
  const viaXmldom = (xml) => () => parsePrepared(prepareXmlText(xml, {}), {}, false);
  {
    const xml = soapOfSize(1 << 20);
    rows.push(
      await compareSlow({
        name: 'parseXml of a 1 MB SOAP document (no target)',
        subject: () => parseXml(xml),
        reference: viaXmldom(xml),
        subjectName: 'fast path',
        referenceName: 'xmldom DOMParser path',
        n: 3,
        rounds: 5,
      }),
    );
  }

  const env = envelope('<Op xmlns="http://tempuri.org/"><x>42</x></Op>');
  rows.push(
    await h.compare({
      name: 'parseXml of the wsu:Timestamp envelope (no target)',
      subject: () => parseXml(env),
      reference: viaXmldom(env),
      subjectName: 'fast path',
      referenceName: 'xmldom DOMParser path',
    }),
  );
  const ours = parseXml(env);
  const theirs = new DOMParser08().parseFromString(env, 'text/xml');
  const tsOurs = ours.getElementsByTagNameNS(WSU, 'Timestamp')[0];
  const tsTheirs = theirs.getElementsByTagNameNS(WSU, 'Timestamp')[0];
  const tsC14n = canonicalize(tsOurs, { algorithm: EXC_C14N });
  if (tsC14n !== xc.process(tsOurs, {}) || tsC14n !== xc.process(tsTheirs, {})) throw new Error('Timestamp: xml-crypto and ocauth disagree');
  rows.push(
    await h.compare({
      name: 'exc-c14n of a wsu:Timestamp in an envelope (c14n only, same DOM)',
      subject: () => read(canonicalize(tsOurs, { algorithm: EXC_C14N })),
      reference: () => read(xc.process(tsOurs, {})),
      referenceName: 'xml-crypto 6 ExclusiveCanonicalization (same xmldom 0.9 DOM)',
      target: { atLeast: 3 },
      batch: 50,
    }),
  );
  rows.push(
    await h.compare({
      name: 'exc-c14n of a wsu:Timestamp in an envelope (c14n only, xml-crypto on its own xmldom 0.8 DOM; no target)',
      subject: () => read(canonicalize(tsOurs, { algorithm: EXC_C14N })),
      reference: () => read(xc.process(tsTheirs, {})),
      referenceName: 'xml-crypto 6 ExclusiveCanonicalization (xmldom 0.8 DOM)',
      batch: 50,
    }),
  );
  rows.push(
    await h.compare({
      name: 'parse envelope + exc-c14n of its wsu:Timestamp',
      subject: () => read(canonicalize(parseXml(env).getElementsByTagNameNS(WSU, 'Timestamp')[0], { algorithm: EXC_C14N })),
      reference: () => read(xc.process(new DOMParser08().parseFromString(env, 'text/xml').getElementsByTagNameNS(WSU, 'Timestamp')[0], {})),
      referenceName: 'xmldom 0.8 parse + xml-crypto 6 c14n',
    }),
  );
  rows.push(
    await h.throughput({
      name: 'parse envelope + exc-c14n of its wsu:Timestamp (absolute)',
      fn: () => read(canonicalize(parseXml(env).getElementsByTagNameNS(WSU, 'Timestamp')[0], { algorithm: EXC_C14N })),
      target: { opsPerSec: 30_000 },
    }),
  );
  return rows;
}
