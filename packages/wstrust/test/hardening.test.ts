import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasTool, runTool } from '../../../testing/tools.js';
import { NS, URI, excC14n, parseXmlDocument, signWithCertificate, buildEnvelope, buildAddressingHeaders } from './internals.js';
import { makeHandler, SERVICE } from './support.js';

describe('internal exclusive c14n agrees with libxml2 (xmllint --exc-c14n) on generated documents', () => {
  const name = fc.constantFrom('a', 'b', 'Item', 'x-y', 'z.1');
  const pfx = fc.constantFrom('', 'p', 'q', 'wsu');
  const uri = fc.constantFrom('urn:one', 'urn:two', 'http://example.com/ns/', NS.wsu);
  const text = fc.string({ maxLength: 12 }).map((s) => s.replace(/[^\x20-\x7e\n\t]/g, ''));
  type Node = { p: string; n: string; ns: string; attrs: { p: string; n: string; ns: string; v: string }[]; kids: (Node | string)[] };
  const tree: fc.Arbitrary<Node> = fc.letrec((tie) => ({
    node: fc.record({
      p: pfx,
      n: name,
      ns: uri,
      attrs: fc.array(fc.record({ p: pfx, n: name, ns: uri, v: text }), { maxLength: 3 }),
      kids: fc.array(fc.oneof({ weight: 2, arbitrary: text }, { weight: 1, arbitrary: tie('node') as fc.Arbitrary<Node> }), { maxLength: 3 }),
    }),
  })).node as fc.Arbitrary<Node>;
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/>/g, '&gt;');
  const ser = (n: Node): string => {
    const q = n.p ? `${n.p}:${n.n}` : n.n;
    const decl = n.p ? ` xmlns:${n.p}="${n.ns}"` : ` xmlns="${n.ns}"`;
    const seen = new Set<string>();
    const attrs = n.attrs
      .filter((a) => a.p !== '' && a.p !== n.p)
      .filter((a) => {
        const k = `${a.ns}|${a.n}`;
        if (seen.has(a.p) || seen.has(k)) return false;
        seen.add(a.p);
        seen.add(k);
        return true;
      });
    const ad = attrs.map((a) => ` xmlns:${a.p}a="${a.ns}" ${a.p}a:${a.n}="${esc(a.v)}"`).join('');
    const plain = n.attrs
      .filter((a) => a.p === '')
      .filter((a, i, arr) => arr.findIndex((b) => b.n === a.n) === i)
      .map((a) => ` ${a.n}="${esc(a.v)}"`)
      .join('');
    return `<${q}${decl}${ad}${plain}>${n.kids.map((k) => (typeof k === 'string' ? esc(k) : ser(k))).join('')}</${q}>`;
  };
  it('equal output (bounded property run)', (ctx) => {
    if (!hasTool('xmllint')) return ctx.skip('xmllint is not on PATH (under CI hasTool throws instead)');
    fc.assert(
      fc.property(tree, (t) => {
        const xml = ser(t);
        const ours = excC14n(parseXmlDocument(xml).documentElement as never);
        const ref = runTool('xmllint', ['--exc-c14n', '-'], xml).toString('utf8');
        expect(ours).toBe(ref);
      }),
      { numRuns: 25 },
    );
  });
});

describe('X.509 endorsing token interop', () => {
  it('signWithCertificate output verifies with xmlsec1 (Timestamp, To and Body references)', (ctx) => {
    if (!hasTool('xmlsec1')) return ctx.skip('xmlsec1 is not on PATH (under CI hasTool throws instead)');
    const F = new URL('./fixtures/', import.meta.url);
    const cert = readFileSync(new URL('client-cert.pem', F), 'utf8');
    const key = readFileSync(new URL('client-key.pem', F), 'utf8');
    const env = buildEnvelope({ headers: buildAddressingHeaders({ action: URI.actionRstIssue, to: SERVICE + '/Cert' }), body: '<x xmlns="urn:x"/>' });
    const d = mkdtempSync(join(tmpdir(), 'wst-x509-'));
    writeFileSync(join(d, 'm.xml'), signWithCertificate({ envelope: env, certificate: cert, privateKey: key }));
    writeFileSync(join(d, 'c.pem'), cert);
    expect(() =>
      runTool('xmlsec1', [
        '--verify',
        '--pubkey-cert-pem',
        join(d, 'c.pem'),
        '--id-attr:Id',
        `${NS.wsu}:Timestamp`,
        '--id-attr:Id',
        `${NS.wsa10}:To`,
        '--id-attr:Id',
        `${NS.soap11}:Body`,
        join(d, 'm.xml'),
      ]),
    ).not.toThrow();
  });
});

describe('handler against hostile input', () => {
  const h = makeHandler(() => new Date('2026-03-01T10:00:00Z'));
  const basic = { authorization: 'Basic ' + Buffer.from('1234:12345').toString('base64') };
  it('entity expansion (billion laughs) is refused as s:Client, not expanded', async () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><s:Envelope xmlns:s="${NS.soap11}"><s:Body>&b;</s:Body></s:Envelope>`;
    const r = await h(new Request(SERVICE + '/Pin', { method: 'POST', body: bomb, headers: basic }));
    expect(r.status).toBe(500);
    const t = await r.text();
    expect(t).toContain('s:Client');
    expect(t).toContain('DOCTYPE');
  });
  it('oversized body → 413; wrong method → 405; unknown binding → 404; Cert without a validator → 404', async () => {
    expect((await h(new Request(SERVICE + '/Pin', { method: 'POST', body: 'x'.repeat(1_100_000), headers: basic }))).status).toBe(413);
    expect((await h(new Request(SERVICE + '/Pin', { method: 'PUT', body: 'x' }))).status).toBe(405);
    expect((await h(new Request(SERVICE + '/Nope', { method: 'POST', body: 'x' }))).status).toBe(404);
    expect((await h(new Request(SERVICE + '/Cert', { method: 'POST', body: 'x' }))).status).toBe(404);
    // A path that names an Object.prototype member is no binding either.
    for (const p of ['constructor', '/constructor', '/__proto__', '/toString'])
      expect((await h(new Request(SERVICE + p, { method: 'POST', body: 'x', headers: basic }))).status).toBe(404);
  });
  it('invalid UTF-8 is a s:Client fault (never decoded leniently); a SOAP 1.2 envelope sent as text/xml is 415', async () => {
    const env = `<s:Envelope xmlns:s="${NS.soap11}"><s:Body><x>\u00e9</x></s:Body></s:Envelope>`;
    const bad = Buffer.from(env.replace('\u00e9', '__'));
    bad[bad.indexOf('__')] = 0xc3;
    bad[bad.indexOf('_')] = 0x28; // C3 28: a lead byte without its continuation
    const r = await h(new Request(SERVICE + '/Pin', { method: 'POST', body: bad, headers: { ...basic, 'content-type': 'text/xml; charset=utf-8' } }));
    expect(r.status).toBe(500);
    const t = await r.text();
    expect(t).toContain('s:Client');
    expect(t).toContain('UTF-8');
    const v12 = `<s:Envelope xmlns:s="${NS.soap12}"><s:Body/></s:Envelope>`;
    expect(
      (await h(new Request(SERVICE + '/Pin', { method: 'POST', body: v12, headers: { ...basic, 'content-type': 'text/xml; charset=utf-8' } }))).status,
    ).toBe(415);
  });
  it('an oversized streamed body without Content-Length → 413', async () => {
    let n = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (n++ > 2000) c.close();
        else c.enqueue(new Uint8Array(1024).fill(0x20));
      },
    });
    const req = new Request(SERVICE + '/Pin', { method: 'POST', body, headers: basic, duplex: 'half' } as RequestInit);
    expect((await h(req)).status).toBe(413);
    expect(n).toBeLessThan(1100);
  });
  it('deeply nested body is refused', async () => {
    const deep = `<s:Envelope xmlns:s="${NS.soap11}"><s:Body>${'<a>'.repeat(200)}${'</a>'.repeat(200)}</s:Body></s:Envelope>`;
    const r = await h(new Request(SERVICE + '/Pin', { method: 'POST', body: deep, headers: basic }));
    expect(await r.text()).toContain('depth');
  });
});

describe('handler checks wsa:Action', () => {
  it('an RST sent with another action is a s:Client fault before authentication', async () => {
    const h = makeHandler(() => new Date('2026-03-01T10:00:00Z'));
    const body = buildEnvelope({ headers: buildAddressingHeaders({ action: 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/RST/Cancel' }), body: '<x/>' });
    const r = await h(new Request(SERVICE + '/Pin', { method: 'POST', body }));
    expect(r.status).toBe(500);
    const t = await r.text();
    expect(t).toContain('s:Client');
    expect(t).toContain('wsa:Action');
  });
});
