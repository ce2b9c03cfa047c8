// Replays vectors/diagnostics/*.json (Wycheproof-style): one assertion message per case (tcId + comment).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  explainAll,
  parseErrorInfo,
  parseMsDiagnostics,
  parseOcsDiagnosticsFault,
  parseWebTicketHeader,
  webTicketError,
  webTicketTokenText,
} from '@ocauth/diagnostics';

interface Case {
  tcId: number;
  comment: string;
  flags: string[];
  result: 'valid' | 'acceptable' | 'invalid';
  source: string;
  errorMatches?: string;
  errorCode?: string;
  expected?: Record<string, unknown>;
}
interface VectorFile<T> {
  numberOfTests: number;
  testGroups: { type: string; tests: (Case & T)[] }[];
}
const load = <T>(name: string): VectorFile<T> =>
  JSON.parse(readFileSync(new URL(`../../../vectors/diagnostics/${name}`, import.meta.url), 'utf8')) as VectorFile<T>;
const label = (c: Case) => `tcId ${c.tcId}: ${c.comment}`;
const count = <T>(v: VectorFile<T>) => v.testGroups.reduce((n, g) => n + g.tests.length, 0);

describe('vectors/diagnostics/ms-diagnostics-headers.json', () => {
  const v = load<{ header: string; entries: unknown[] }>('ms-diagnostics-headers.json');
  it('numberOfTests matches', () => expect(count(v)).toBe(v.numberOfTests));
  for (const c of v.testGroups.flatMap((g) => g.tests)) {
    it(label(c), () => {
      const r = parseMsDiagnostics(c.header);
      expect(r.entries, `${label(c)} — entries`).toEqual(c.entries);
      if (c.result === 'invalid') {
        expect(r.ok, `${label(c)} — must fail`).toBe(false);
        if (!r.ok) expect(r.error.message, `${label(c)} — error message`).toContain(c.errorMatches!);
      } else {
        expect(r.ok, `${label(c)} — must parse`).toBe(true);
        const warnings = r.issues.filter((i) => i.severity === 'warning').length;
        expect(warnings > 0, `${label(c)} — ${c.result} means ${c.result === 'valid' ? 'no' : 'some'} warnings: ${JSON.stringify(r.issues)}`).toBe(
          c.result === 'acceptable',
        );
        // explain() gives one finding per entry, and the catalog's name for known ErrorIds.
        const f = explainAll(c.header);
        expect(
          f.map((x) => x.id),
          `${label(c)} — explain`,
        ).toEqual(
          r.entries.map((e) =>
            webTicketError(e.errorId)
              ? `webticket.${e.errorId}`
              : e.errorId >= 28000 && e.errorId <= 28035
                ? 'webticket.undefined-error-id'
                : 'diagnostics.unknown-error-id',
          ),
        );
      }
    });
  }
});

describe('vectors/diagnostics/faults.json', () => {
  const v = load<{ xml: string }>('faults.json');
  it('numberOfTests matches', () => expect(count(v)).toBe(v.numberOfTests));
  const pinned = v.testGroups.flatMap((g) => g.tests).filter((c) => c.flags.includes('FaultcodeDiffersFromSpecTable'));
  it('departures from the spec table are counted and pinned', () => expect(pinned.map((c) => c.tcId)).toEqual([1]));
  for (const g of v.testGroups) {
    for (const c of g.tests) {
      it(`${g.type} ${label(c)}`, () => {
        const r = g.type === 'ErrorInfoParse' ? parseErrorInfo(c.xml) : parseOcsDiagnosticsFault(c.xml);
        if (c.result === 'invalid') {
          expect(r.ok, `${label(c)} — must fail`).toBe(false);
          if (!r.ok) {
            if (c.errorCode) expect(r.error.code, `${label(c)} — error code`).toBe(c.errorCode);
            expect(r.error.message, `${label(c)} — error message`).toContain(c.errorMatches!);
          }
          return;
        }
        expect(r.ok, `${label(c)} — must parse: ${JSON.stringify(r.issues)}`).toBe(true);
        if (!r.ok) return;
        expect(
          r.issues.some((i) => i.severity === 'warning'),
          `${label(c)} — warnings iff acceptable`,
        ).toBe(c.result === 'acceptable');
        const value = r.value as unknown as Record<string, unknown> & { fault?: Record<string, unknown> };
        const flat = { ...value, ...(value.fault ?? {}) };
        for (const [k, want] of Object.entries(c.expected ?? {})) expect(flat[k], `${label(c)} — ${k}`).toEqual(want);
      });
    }
  }
  it('the real server fault explains as 28020 and records the faultcode it sent', () => {
    const f = explainAll(v.testGroups[0]!.tests[0]!.xml);
    expect(f[0]!.id).toBe('webticket.28020');
    expect(f[0]!.details).toMatchObject({ faultSent: 'a:FailedAuthentication' });
  });
});

describe('vectors/diagnostics/web-ticket-headers.json', () => {
  const v = load<{ header: string }>('web-ticket-headers.json');
  it('numberOfTests matches', () => expect(count(v)).toBe(v.numberOfTests));
  for (const c of v.testGroups.flatMap((g) => g.tests)) {
    it(label(c), () => {
      const r = parseWebTicketHeader(c.header);
      if (c.result === 'invalid') {
        expect(r.ok, `${label(c)} — must fail`).toBe(false);
        if (!r.ok) expect(r.error.message, `${label(c)} — error message`).toContain(c.errorMatches!);
        return;
      }
      expect(r.ok, `${label(c)} — must parse`).toBe(true);
      if (!r.ok) return;
      expect(
        r.issues.some((i) => i.severity === 'warning'),
        `${label(c)} — warnings iff acceptable`,
      ).toBe(c.result === 'acceptable');
      expect(webTicketTokenText(r.value), `${label(c)} — token`).toBe(c.expected!.tokenText);
      expect(r.value.extensions, `${label(c)} — extensions`).toEqual(c.expected!.extensions);
    });
  }
});

describe('vectors/diagnostics/explain.json', () => {
  const v = load<{ input: unknown; expectedIds: string[]; severity: string; references?: string[]; summaryMatches?: string; remedyMatches?: string }>(
    'explain.json',
  );
  it('numberOfTests matches', () => expect(count(v)).toBe(v.numberOfTests));
  for (const c of v.testGroups.flatMap((g) => g.tests)) {
    it(label(c), () => {
      const f = explainAll(c.input);
      expect(
        f.map((x) => x.id),
        `${label(c)} — ids`,
      ).toEqual(c.expectedIds);
      expect(f[0]!.severity, `${label(c)} — severity`).toBe(c.severity);
      if (c.references) expect(f[0]!.references, `${label(c)} — field notes cited`).toEqual(c.references);
      if (c.summaryMatches) expect(f[0]!.summary, `${label(c)} — summary`).toContain(c.summaryMatches);
      if (c.remedyMatches) expect(f[0]!.remedy, `${label(c)} — remedy`).toContain(c.remedyMatches);
    });
  }
});
