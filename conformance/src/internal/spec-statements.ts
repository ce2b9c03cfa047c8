// The normative statements of MS-OCAUTHWS 1.5, 1.8, 2, 3 and 6, extracted from the spec text by a fixed
// rule, so that a test can require each one to have a registry entry (conformance/test/spec-map.test.ts).
//
// The rule, applied to vectors/spec/MS-OCAUTHWS.txt:
// 1. Sections: a line `N.N… Title` (at most one leading space) whose number sorts after the current
//    section's starts a section; text before 1.5 and from section 4 to 5 is skipped.
// 2. `keyword`: each sentence (split after `.`, `:` or `;` before a capital, `"`, `/` or `<`) containing
//    an RFC 2119 keyword in capitals (MUST, MUST NOT, SHOULD, SHOULD NOT, MAY, SHALL, REQUIRED,
//    RECOMMENDED, OPTIONAL).
// 3. `error-table`: each row of a 3.2 / 3.2.4.1 error table (a line naming an ErrorId 28000–28035 after a
//    wsse:/wst: faultcode or an HTTP status).
// 4. `oauth2`: each item of the OAuth2 token validation list of 3.2 (the bullets after "validates that:").
// 5. `response-code`: each meaning of a GetAndPublishCertResponseCodeType value (3.1.4.1.4.1, `Value: Indicates …`).
// 6. `document`: the 1.5 Autodiscover sample and each 6.x WSDL, one statement each.
// 7. `operation-table`: each row of the 3.3.4 operation table (an operation name in CamelCase starts a row).
// A statement's key is its section and its first 90 characters (whitespace collapsed; ` #2` for the second
// printing of the same row): stable across re-extraction, readable in the table.

export type StatementKind = 'keyword' | 'error-table' | 'oauth2' | 'response-code' | 'document' | 'operation-table';
export interface Statement {
  section: string;
  kind: StatementKind;
  /** The statement as printed (whitespace collapsed). */
  text: string;
  /** `section text[0..90]`: the key of STATEMENT_MAP. */
  key: string;
}

const sectionKey = (s: string) =>
  s
    .split('.')
    .map((x) => x.padStart(3, '0'))
    .join('.');
const inScope = (s: string) => /^(1\.5|1\.8|2|3|6)(\.|$)/.test(s);
const KEYWORD = /\b(MUST|SHOULD|MAY|SHALL|REQUIRED|RECOMMENDED|OPTIONAL)\b/;
const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();
/** Page furniture the PDF text interleaves with the body: link footers. */
const furniture = (l: string) => /^\s*https?:\/\/\S+\s*$/.test(l) || /^%5b/.test(l);

/** Sections in document order, each with its body lines (rule 1). */
export function specSections(spec: string): { section: string; lines: string[] }[] {
  const out: { section: string; lines: string[] }[] = [];
  let started = false;
  for (const l of spec.split(/\r?\n/)) {
    const m = /^ ?(\d+(?:\.\d+)*) +([A-Za-z].*)$/.exec(l);
    const cur = out[out.length - 1];
    if (m && (started || m[1] === '1.5') && (!cur || sectionKey(m[1]!) > sectionKey(cur.section))) {
      started = true;
      out.push({ section: m[1]!, lines: [] });
      continue;
    }
    if (cur && !furniture(l)) cur.lines.push(l);
  }
  return out;
}

/** Every normative statement of 1.5, 1.8, 2, 3 and 6 by the rule above, in document order. */
export function normativeStatements(spec: string): Statement[] {
  const out: Statement[] = [];
  const seen = new Map<string, number>();
  const add = (section: string, kind: StatementKind, text: string) => {
    const t = collapse(text);
    const k = `${section} ${t.slice(0, 90)}`;
    const n = (seen.get(k) ?? 0) + 1; // a row printed in two tables (3.2: 28032, 28033) is two statements
    seen.set(k, n);
    out.push({ section, kind, text: t, key: n === 1 ? k : `${k} #${n}` });
  };
  for (const { section, lines } of specSections(spec)) {
    if (!inScope(section)) continue;
    const body = lines.join('\n');
    if (/^6\.\d$/.test(section) || section === '1.5') {
      const doc = /<(wsdl:definitions|AutodiscoverResponse)\b/.exec(body);
      if (doc) add(section, 'document', `${doc[1]} document printed in ${section}`);
    }
    // rule 2
    for (const s of collapse(body).split(/(?<=[.:;])\s+(?=[A-Z"/<])/)) if (KEYWORD.test(s)) add(section, 'keyword', s);
    // rule 3
    if (section === '3.2' || section === '3.2.4.1') {
      for (const l of lines) {
        const m = /^\s*(?:(wsse?:\w+|wst:\w+)\s+|(\d{3})\s+)(280(?:[0-2]\d|3[0-5]))\b(.*)$/.exec(l);
        if (m) add(section, 'error-table', `${m[1] ?? m[2]} ${m[3]}${m[4]}`);
      }
    }
    // rule 4
    if (section === '3.2') {
      const from = body.indexOf('validates that:');
      const to = body.indexOf('If validation of OAuth2 token fails');
      if (from >= 0 && to > from) {
        const items: string[] = [];
        for (const item of body
          .slice(from + 'validates that:'.length, to)
          .split(/\s*[\uF0A7\uF0B7]\s*/)
          .map(collapse)
          .filter(Boolean)) {
          // The audience format's sub-bullets (`00000004-… is identifier …`, `<host_fqdn> …`, `<realm> …`) belong to the audience item.
          if (/^(00000004-|<host_fqdn>|<realm>)/.test(item) && items.length) items[items.length - 1] += ` ${item}`;
          else items.push(item);
        }
        for (const item of items) add(section, 'oauth2', item);
      }
    }
    // rule 7
    if (section === '3.3.4') {
      const table = body.slice(body.indexOf('Operation Description') + 'Operation Description'.length);
      const rows: string[] = [];
      for (const l of table.split('\n')) {
        if (/^\s*([A-Z][a-z]+(?:[A-Z][a-z0-9]*)+) /.test(l)) rows.push(l);
        else if (rows.length && l.trim()) rows[rows.length - 1] += ` ${l}`;
      }
      for (const r of rows) add(section, 'operation-table', r);
    }
    // rule 5
    if (section === '3.1.4.1.4.1')
      for (const part of collapse(body).split(/(?=\b[A-Z][A-Za-z]+: Indicates )/))
        if (/^[A-Z][A-Za-z]+: Indicates /.test(part)) add(section, 'response-code', part);
  }
  return out;
}
