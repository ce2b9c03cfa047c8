// MS-OCAUTHWS 2.2.1: the NS table checked against the namespace table of the specification text itself.
import { describe, expect, it } from 'vitest';
import { NS } from '../src/index.js';
import { specText } from '../../../testing/spec.js';

/** The prefix → namespace rows of section 2.2.1, read from the spec text (URIs wrapped at "-" rejoined). */
function specNamespaceTable(): Map<string, string> {
  const text = specText();
  const start = text.lastIndexOf('2.2.1 Namespaces');
  const end = text.indexOf('2.2.2 Messages', start);
  const lines = text
    .slice(start, end)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('https://') && !l.startsWith('%5b'));
  const rows = new Map<string, string>();
  for (let i = 0; i < lines.length; i++) {
    const m = /^([a-z0-9]+) ((?:https?|urn):\S+)/.exec(lines[i]!);
    if (!m) continue;
    let uri = m[2]!;
    if (uri.endsWith('-') && /^[a-z0-9.-]+\.xsd\b/.test(lines[i + 1] ?? '')) uri += lines[++i]!.split(' ')[0];
    rows.set(m[1]!, uri);
  }
  return rows;
}

/** Where a 2.2.1 prefix means something else in the packages, the NS key that carries the table's value. */
const RENAMED: Record<string, string> = { soap: 'soapWsdl', soap12: 'soap12Wsdl', sp: 'sp12' };

describe('NS (MS-OCAUTHWS 2.2.1)', () => {
  const table = specNamespaceTable();
  it('reads the whole table from the spec text', () => {
    expect(table.size).toBe(24);
  });
  it('carries every row of the table under its prefix (or the documented key)', () => {
    const ns: Record<string, string> = NS;
    for (const [prefix, uri] of table) {
      const key = RENAMED[prefix] ?? prefix;
      // The table writes two namespaces without the trailing "/" their WSDL/SOAP documents use.
      const expected = key === 'soap12Wsdl' || key === 'soapenc' ? `${uri}/` : uri;
      expect(ns[key], `${prefix} ${uri}`).toBe(expected);
    }
  });
  it('keeps the SOAP envelope namespaces apart from the WSDL binding ones', () => {
    expect([NS.soap11, NS.soap12]).toEqual(['http://schemas.xmlsoap.org/soap/envelope/', 'http://www.w3.org/2003/05/soap-envelope']);
    expect(NS.trust).toBe(NS.wst.slice(0, -1));
  });
  it('has one key per namespace', () => {
    const values = Object.values(NS);
    expect(new Set(values).size).toBe(values.length);
  });
});
