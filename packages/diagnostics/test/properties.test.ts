// Property tests: parse(format(x)) = x for every codec, and parsers never throw on arbitrary/hostile input.
// Bounded runs (the suite must stay fast); long fuzzing: `node scripts/fuzz.mjs` (see README).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { XmlParseError } from '@ocauth/c14n';
import {
  GET_AND_PUBLISH_CERT_RESPONSE_CODES,
  buildErrorInfo,
  buildOcsDiagnosticsFault,
  formatMsDiagnostics,
  formatWebTicketHeader,
  parseErrorInfo,
  parseMsDiagnostics,
  parseOcsDiagnosticsFault,
  parseSoapFault,
  parseWebTicketHeader,
  parseWebTicketUrlHeader,
  type MsDiagnostics,
} from '@ocauth/diagnostics';

const RUNS = { numRuns: 200 };
const chars = (set: string) => fc.constantFrom(...set.split(''));
const ALPHA = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGIT = '0123456789';
const source = fc.string({ unit: chars(`${ALPHA}${DIGIT}-._~`), minLength: 1, maxLength: 40 });
const fault = fc
  .tuple(fc.string({ unit: chars(ALPHA), minLength: 1, maxLength: 8 }), fc.string({ unit: chars(ALPHA), minLength: 1, maxLength: 30 }))
  .map(([a, b]) => `${a}:${b}`);
// printable ASCII except DQUOTE and backslash, plus TAB; no leading/trailing whitespace.
const textChar = fc
  .integer({ min: 0x20, max: 0x7e })
  .filter((c) => c !== 0x22 && c !== 0x5c)
  .map((c) => String.fromCharCode(c));
const text = fc
  .string({
    unit: fc.oneof({ weight: 20, arbitrary: textChar }, { weight: 1, arbitrary: fc.constantFrom('\t', ';', ',', ', 28033;', '=') }),
    minLength: 1,
    maxLength: 80,
  })
  .map((s) => s.trim())
  .filter((s) => s.length > 0);
const paramName = fc
  .tuple(chars(ALPHA), fc.string({ unit: chars(`${ALPHA}${DIGIT}_.-`), maxLength: 12 }))
  .map(([a, b]) => a + b)
  .filter((n) => !['source', 'reason', 'fault', 'faultcode'].includes(n.toLowerCase()));
const fields = fc.uniqueArray(fc.tuple(paramName, text), { maxLength: 3, selector: ([k]) => k.toLowerCase() }).map((kv) => Object.fromEntries(kv));

const msDiag: fc.Arbitrary<MsDiagnostics> = fc
  .record({ errorId: fc.integer({ min: 0, max: 2 ** 32 - 1 }), source, reason: text, fault, fields }, { requiredKeys: ['errorId'] })
  .map((d) => {
    const out: MsDiagnostics = { ...d };
    if (out.fields && Object.keys(out.fields).length === 0) delete out.fields;
    return out;
  });

describe('X-Ms-diagnostics properties', () => {
  it('parse(format(x)) = x (named)', () => {
    fc.assert(
      fc.property(msDiag, (d) => {
        const r = parseMsDiagnostics(formatMsDiagnostics(d));
        expect(r.issues).toEqual([]);
        expect(r.ok && r.value).toEqual(d);
      }),
      RUNS,
    );
  });
  it('strict parse accepts everything the formatter produces', () => {
    fc.assert(
      fc.property(msDiag, (d) => {
        const r = parseMsDiagnostics(formatMsDiagnostics(d), { strict: true });
        expect(r.ok && r.value).toEqual(d);
      }),
      RUNS,
    );
  });
  it('parse(format(x)) = x (positional ABNF form)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99999 }), source, text, fault, (errorId, s, reason, f) => {
        const d = { errorId, source: s, reason, fault: f };
        const r = parseMsDiagnostics(formatMsDiagnostics(d, { style: 'positional' }));
        expect(r.ok && r.value).toEqual(d);
      }),
      RUNS,
    );
  });
  it('several entries joined with ", " parse to the same entries', () => {
    fc.assert(
      fc.property(fc.array(msDiag, { minLength: 1, maxLength: 4 }), (ds) => {
        const r = parseMsDiagnostics(ds.map((d) => formatMsDiagnostics(d)).join(', '));
        expect(r.entries).toEqual(ds);
      }),
      RUNS,
    );
  });
  it('never throws on arbitrary strings or mutated headers', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.string({ unit: 'grapheme', maxLength: 100 }),
          fc.tuple(msDiag, fc.nat(), fc.string({ maxLength: 5 })).map(([d, at, ins]) => {
            const h = formatMsDiagnostics(d);
            const i = at % (h.length + 1);
            return h.slice(0, i) + ins + h.slice(i);
          }),
        ),
        (s) => {
          const r = parseMsDiagnostics(s);
          expect(typeof r.ok).toBe('boolean');
          if (!r.ok) expect(r.error.message.length).toBeGreaterThan(0);
        },
      ),
      RUNS,
    );
  });
});

describe('X-MS-WebTicket properties', () => {
  const ext = fc.string({ unit: chars(`${ALPHA}${DIGIT}-`), minLength: 1, maxLength: 10 });
  const exts = fc
    .uniqueArray(
      fc.tuple(
        ext.filter((k) => k.toLowerCase() !== 'opaque'),
        ext,
      ),
      { maxLength: 3, selector: ([k]) => k },
    )
    .map((kv) => Object.fromEntries(kv));
  it('parse(format(x)) = x, padded and unpadded', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), exts, fc.boolean(), (token, extensions, padding) => {
        const r = parseWebTicketHeader(formatWebTicketHeader({ token, extensions }, { padding }));
        expect(r.ok).toBe(true);
        if (r.ok) {
          expect(Buffer.from(r.value.token).equals(Buffer.from(token))).toBe(true);
          expect(r.value.extensions).toEqual(extensions);
        }
      }),
      RUNS,
    );
  });
  it('never throws', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        expect(typeof parseWebTicketHeader(s).ok).toBe('boolean');
        expect(typeof parseWebTicketHeader(`opaque=${s}`).ok).toBe('boolean');
        expect(typeof parseWebTicketUrlHeader(s).ok).toBe('boolean');
      }),
      RUNS,
    );
  });
});

// XML-legal text (no C0 controls but TAB/LF/CR, no lone surrogates, no U+FFFE/FFFF).
const xmlText = fc.string({
  unit: fc.oneof(
    { weight: 10, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) },
    { weight: 1, arbitrary: fc.constantFrom('\t', '\n', '\r', '&', '<', '>', '"', "'", ']]>', 'é', '€', '😀', '\u00a0') },
  ),
  maxLength: 80,
});

describe('OCSDiagnosticsFault and ErrorInfo properties', () => {
  const faultcodes = fc.constantFrom(
    'wsse:FailedAuthentication',
    'wsse:InvalidSecurityToken',
    'wsse:InvalidSecurity',
    'wst:RequestFailed',
    's:Client',
    's:Server',
  );
  it('parse(build(x)) = x for SOAP 1.1 and 1.2, with and without envelope', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 }),
        xmlText,
        xmlText,
        faultcodes,
        fc.constantFrom('1.1' as const, '1.2' as const),
        fc.boolean(),
        (errorId, reason, faultstring, faultcode, soapVersion, envelope) => {
          const xml = buildOcsDiagnosticsFault({
            errorId,
            reason,
            faultstring,
            faultcode:
              soapVersion === '1.2' && faultcode === 's:Server' ? 's:Receiver' : soapVersion === '1.2' && faultcode === 's:Client' ? 's:Sender' : faultcode,
            soapVersion,
            envelope,
          });
          const r = parseOcsDiagnosticsFault(xml);
          expect(r.issues).toEqual([]);
          expect(r.ok).toBe(true);
          if (r.ok) {
            expect(r.value.errorId).toBe(errorId);
            expect(r.value.reason).toBe(reason);
            expect(r.value.fault!.faultstring).toBe(faultstring);
            expect(r.value.fault!.soapVersion).toBe(soapVersion);
          }
        },
      ),
      RUNS,
    );
  });
  it('parse(build(x)) = x for ErrorInfo', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(GET_AND_PUBLISH_CERT_RESPONSE_CODES)), fc.option(xmlText, { nil: undefined }), (responseCode, description) => {
        const r = parseErrorInfo(buildErrorInfo(description === undefined ? { responseCode } : { responseCode, description }));
        expect(r.ok).toBe(true);
        if (r.ok) {
          expect(r.value.responseCode).toBe(responseCode);
          expect(r.value.description).toBe(description);
        }
      }),
      RUNS,
    );
  });
  it('XML parsers never throw on arbitrary input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.uint8Array({ maxLength: 100 }),
          fc.tuple(fc.nat(), fc.string({ maxLength: 4 })).map(([at, ins]) => {
            const x = buildOcsDiagnosticsFault({ errorId: 28032, envelope: true });
            const i = at % x.length;
            return x.slice(0, i) + ins + x.slice(i + 1);
          }),
        ),
        (x) => {
          expect(typeof parseOcsDiagnosticsFault(x).ok).toBe('boolean');
          expect(typeof parseSoapFault(x).ok).toBe('boolean');
          expect(typeof parseErrorInfo(x).ok).toBe('boolean');
        },
      ),
      RUNS,
    );
  });
});

describe('hostile inputs', () => {
  it('huge headers are refused by length, quickly, without scanning them', () => {
    const huge = `28032;reason="${'a'.repeat(2_000_000)}"`;
    const r = parseMsDiagnostics(huge);
    expect(!r.ok && r.error.message).toMatch(/at most 8192 characters, received 2000015/);
    expect(parseWebTicketHeader(`opaque=${'A'.repeat(300_000)}`).ok).toBe(false);
    expect(parseMsDiagnostics('28032;' + ';'.repeat(8000)).ok).toBe(true);
    const many = Array.from({ length: 50 }, (_, i) => `${28000 + i};reason="x"`).join(', ');
    expect(parseMsDiagnostics(many).ok).toBe(false);
  });
  it('unterminated quotes, stray quotes and backslashes', () => {
    for (const h of ['28032;reason="', '28032;reason="\\', '28032;"', '28032;reason="a\\"', '28032;reason=""";source="x"']) {
      const r = parseMsDiagnostics(h);
      expect(typeof r.ok, h).toBe('boolean');
    }
    expect(parseMsDiagnostics('28032;reason="a \\"quoted\\" word"').entries[0]!.reason).toBe('a "quoted" word');
  });
  it('control characters / header injection are refused', () => {
    for (const c of ['\u0000', '\u0007', '\r\nSet-Cookie: x=1', '\n', '\u007f']) {
      const r = parseMsDiagnostics(`28032;reason="x${c}"`);
      expect(r.ok, JSON.stringify(c)).toBe(false);
      if (!r.ok) expect(r.error.message).toMatch(/control characters/);
    }
    // obs-fold is tolerated (and reported)
    const f = parseMsDiagnostics('28032;reason="x";\r\n  source="y"');
    expect(f.ok && f.value.source).toBe('y');
    expect(f.issues[0]!.message).toMatch(/line folding/);
  });
  it('DOCTYPE / entity expansion / external entities are refused before parsing', () => {
    const lol = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><s:Fault xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><faultcode>s:Client</faultcode><faultstring>&lol2;</faultstring></s:Fault>`;
    const xxe = `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>`;
    for (const x of [lol, xxe]) {
      for (const parse of [parseOcsDiagnosticsFault, parseSoapFault, parseErrorInfo]) {
        const r = parse(x);
        expect(!r.ok && r.error.code).toBe('ERR_DIAGNOSTICS_XML_DOCTYPE');
        // the refusal is @ocauth/c14n parseXml's, kept as the cause
        expect(!r.ok && r.error.cause instanceof XmlParseError && r.error.cause.code).toBe('ERR_XML_DOCTYPE');
      }
    }
    // XML is case-sensitive: `<!doctype` is no document type declaration but malformed markup (as libxml2 says)
    for (const parse of [parseOcsDiagnosticsFault, parseSoapFault, parseErrorInfo]) {
      const r = parse('<!doctype x><x/>');
      expect(!r.ok && r.error.code).toBe('ERR_DIAGNOSTICS_XML');
    }
    const big = `<x>${'a'.repeat(256 * 1024)}</x>`;
    const r = parseOcsDiagnosticsFault(big);
    expect(!r.ok && r.error.code).toBe('ERR_DIAGNOSTICS_XML_LIMIT');
    expect(!r.ok && r.error.message).toMatch(/at most 262144 bytes/);
    // the bound is an option (a caller with larger documents raises it); nonsense values fall back to the default
    const raised = parseOcsDiagnosticsFault(big, { xml: { maxBytes: 1 << 20 } });
    expect(!raised.ok && raised.error.code).toBe('ERR_DIAGNOSTICS_FAULT');
    expect(!parseOcsDiagnosticsFault(big, { xml: { maxBytes: Number.NaN } }).ok && 'limit').toBe('limit');
    expect(parseMsDiagnostics('1;reason="x"', { maxLength: -1 }).ok).toBe(true);
    const attrs = `<x ${Array.from({ length: 300 }, (_, i) => `a${i}="1"`).join(' ')}/>`;
    const a = parseErrorInfo(attrs);
    expect(!a.ok && a.error.code).toBe('ERR_DIAGNOSTICS_XML_LIMIT');
    const invalidUtf8 = new Uint8Array([0x3c, 0x78, 0x3e, 0xff, 0x3c, 0x2f, 0x78, 0x3e]);
    const u = parseSoapFault(invalidUtf8);
    expect(!u.ok && u.error.message).toMatch(/UTF-8/);
  });
});
