#!/usr/bin/env node
// Long fuzz run (not part of the test suite): every parser must return a result, never throw, on
// arbitrary and mutated input. Usage: pnpm --filter @ocauth/diagnostics build && node scripts/fuzz.mjs [runs] [seed]
import fc from 'fast-check';
import {
  buildErrorInfo,
  buildOcsDiagnosticsFault,
  explainAll,
  formatMsDiagnostics,
  formatWebTicketHeader,
  parseErrorInfo,
  parseMsDiagnostics,
  parseOcsDiagnosticsFault,
  parseSoapFault,
  parseWebTicketHeader,
  parseWebTicketUrlHeader,
} from '../dist/index.js';

const runs = Number(process.argv[2] ?? 20000);
const seed = process.argv[3] === undefined ? Date.now() : Number(process.argv[3]);
const seeds = [
  formatMsDiagnostics({
    errorId: 28032,
    source: 'pool0.contoso.com',
    reason: 'The Web ticket is invalid.',
    fault: 'wsse:InvalidSecurityToken',
    fields: { appName: 'x' },
  }),
  '[2000001; reason = "a, b"; error_category="c"], 28033;reason=”x”',
  formatWebTicketHeader({ token: '<saml:Assertion/>', extensions: { a: 'b' } }),
  buildOcsDiagnosticsFault({ errorId: 28033, envelope: true }),
  buildOcsDiagnosticsFault({ errorId: 28032, soapVersion: '1.2', envelope: true }),
  buildErrorInfo({ responseCode: 'DataStoreUnavailable', description: 'x' }),
];
const mutate = fc
  .tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.nat(8), fc.string({ unit: 'binary', maxLength: 6 })), { maxLength: 6 }))
  .map(([s, edits]) =>
    edits.reduce((acc, [at, del, ins]) => {
      const i = at % (acc.length + 1);
      return acc.slice(0, i) + ins + acc.slice(i + del);
    }, s),
  );
const input = fc.oneof(mutate, fc.string({ unit: 'binary', maxLength: 400 }), fc.string({ unit: 'grapheme', maxLength: 200 }));
const fns = [parseMsDiagnostics, parseWebTicketHeader, parseWebTicketUrlHeader, parseOcsDiagnosticsFault, parseSoapFault, parseErrorInfo, explainAll];
const started = Date.now();
fc.assert(
  fc.property(input, (s) => {
    for (const f of fns) {
      const r = f(s);
      if (r === undefined || r === null) throw new Error(`${f.name} returned ${r}`);
    }
  }),
  { numRuns: runs, seed },
);
console.log(`fuzz: ${runs} inputs x ${fns.length} parsers, seed ${seed}, ${Date.now() - started} ms, no throw`);
