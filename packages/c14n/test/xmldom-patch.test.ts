// The bundled @xmldom/xmldom patch (patches/@xmldom__xmldom@0.9.12.patch) declares node fields up
// front and creates NamedNodeMap indexes and Element._nsMap on first use. These tests drive the DOM
// APIs that read those structures and compare every answer with the same xmldom release with the
// patch taken back out (`git apply -R` on a copy), so the patch cannot change behaviour unnoticed.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOMImplementation as PatchedImplementation, DOMParser as PatchedParser, XMLSerializer as PatchedSerializer } from '@xmldom/xmldom';
import { afterAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const installed = dirname(require.resolve('@xmldom/xmldom/package.json'));
const patchFile = fileURLToPath(new URL('../../../patches/@xmldom__xmldom@0.9.12.patch', import.meta.url));
const copy = mkdtempSync(join(tmpdir(), 'ocauth-xmldom-unpatched-'));
afterAll(() => rmSync(copy, { recursive: true, force: true }));
cpSync(installed, copy, { recursive: true, dereference: true });
execFileSync('git', ['apply', '-R', patchFile], { cwd: copy });
const unpatched = require(join(copy, 'lib', 'index.js')) as {
  DOMImplementation: typeof PatchedImplementation;
  DOMParser: typeof PatchedParser;
  XMLSerializer: typeof PatchedSerializer;
};

const XMLNS = 'http://www.w3.org/2000/xmlns/';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDoc = any;

/** A fixed script of DOM operations; returns everything observable along the way. */
function script(Parser: typeof PatchedParser, Serializer: typeof PatchedSerializer): unknown[] {
  const out: unknown[] = [];
  const doc: AnyDoc = new Parser().parseFromString('<r xmlns="urn:d" xmlns:p="urn:p"><p:a p:x="1" y="2"/><b/><c xmlns=""><d/></c></r>', 'text/xml');
  const r = doc.documentElement;
  const [a, b, c] = [r.childNodes[0], r.childNodes[1], r.childNodes[2]];
  const d = c.firstChild;
  // Reads on elements with and without attributes (no index created yet on b, c's child d).
  out.push(b.attributes.length, b.hasAttribute('x'), b.getAttribute('x'), b.getAttributeNS('urn:p', 'x'), b.getAttributeNode('x'));
  out.push(a.getAttributeNS('urn:p', 'x'), a.getAttributeNS(null, 'y'), a.getAttribute('y'), a.hasAttributeNS('urn:p', 'x'), a.attributes.length);
  // Namespace lookups walk _nsMap up the ancestors (b and d declare nothing themselves).
  for (const n of [r, a, b, c, d]) out.push(n.lookupNamespaceURI('p'), n.lookupNamespaceURI(null), n.lookupPrefix('urn:p'), n.isDefaultNamespace('urn:d'));
  // Remove from an element whose indexes were never created, then from one that has them.
  b.removeAttribute('nothing');
  out.push(b.attributes.length);
  a.removeAttributeNS('urn:p', 'x');
  out.push(a.attributes.length, a.getAttributeNS('urn:p', 'x'));
  // Declare and undeclare a namespace through attributes: _nsMap created on first use, then emptied.
  b.setAttributeNS(XMLNS, 'xmlns:q', 'urn:q');
  out.push(b.lookupNamespaceURI('q'), d.lookupNamespaceURI('q'), b.lookupPrefix('urn:q'));
  b.removeAttributeNS(XMLNS, 'q');
  out.push(b.lookupNamespaceURI('q'), b.attributes.length);
  // Programmatic elements and attributes, a replaced attribute, and clones.
  const e = doc.createElementNS('urn:e', 'e:e');
  out.push(e.attributes.length, e.lookupNamespaceURI('e'));
  e.setAttribute('k', '1');
  e.setAttribute('k', '2');
  e.setAttributeNS('urn:e', 'e:z', '3');
  r.appendChild(e);
  const clone = r.cloneNode(true);
  const imported = doc.implementation.createDocument(null, 'x', null).importNode(a, true);
  out.push(e.attributes.length, e.getAttribute('k'), clone.childNodes.length, clone.lastChild.getAttributeNS('urn:e', 'z'), imported.attributes.length);
  out.push(clone.childNodes[2].lookupNamespaceURI(null), clone.lookupNamespaceURI('p'));
  // Text and comment nodes keep their data and length.
  const t = doc.createTextNode('abc');
  out.push(t.data, t.length, t.nodeValue, doc.createComment('x').data);
  out.push(new Serializer().serializeToString(doc), new Serializer().serializeToString(clone));
  return out;
}

describe('@xmldom/xmldom patch keeps xmldom behaviour', () => {
  it('compares against a really unpatched copy', () => {
    const { readFileSync } = require('node:fs') as typeof import('node:fs');
    expect(readFileSync(join(installed, 'lib', 'dom.js'), 'utf8')).toContain('ocauth patch');
    expect(readFileSync(join(copy, 'lib', 'dom.js'), 'utf8')).not.toContain('ocauth patch');
    expect(readFileSync(join(copy, 'lib', 'sax.js'), 'utf8')).not.toContain('ocauth patch');
  });

  it('createElementNS and createAttributeNS accept, split and refuse qualified names as unpatched xmldom does', () => {
    const XML = 'http://www.w3.org/XML/1998/namespace';
    const names = [
      'a',
      'A9',
      '_',
      '_a.b-c',
      'a:b',
      'p:_x.y-z',
      'xml:lang',
      'xmlns',
      'xmlns:p',
      'é',
      'a:é',
      'é:a',
      'a\u0300',
      'a\u00B7b',
      '\u{10000}',
      'a:\u{10000}',
      '',
      ':',
      'a:',
      ':a',
      'a:b:c',
      '1a',
      '-a',
      '.a',
      'a:1',
      'a b',
      'a\n',
      'a\nb',
      '\na',
      'a>',
      'a\u0080',
      'a:b\n',
      'a$',
    ];
    const namespaces = [null, '', 'urn:x', XML, XMLNS];
    const probe = (Impl: typeof PatchedImplementation): unknown[] => {
      const doc = new Impl().createDocument(null, '', null) as AnyDoc;
      const out: unknown[] = [];
      for (const q of names) {
        for (const ns of namespaces) {
          for (const make of ['createElementNS', 'createAttributeNS'] as const) {
            try {
              const n = doc[make](ns, q);
              out.push([n.namespaceURI, n.prefix, n.localName, n.nodeName]);
            } catch (e) {
              out.push(`${(e as Error).name}: ${(e as Error).message}`);
            }
          }
        }
      }
      return out;
    };
    const ours = probe(PatchedImplementation);
    expect(ours).toEqual(probe(unpatched.DOMImplementation));
    // Not vacuous: some names are refused, some accepted.
    expect(ours.filter((x) => typeof x === 'string').length).toBeGreaterThan(50);
    expect(ours.filter((x) => Array.isArray(x)).length).toBeGreaterThan(50);
  });

  it('attribute maps, namespace lookups, removal, programmatic nodes and clones answer as unpatched xmldom does', () => {
    const ours = script(PatchedParser, PatchedSerializer);
    const theirs = script(unpatched.DOMParser, unpatched.XMLSerializer);
    const plain = (v: unknown[]) => v.map((x) => (x && typeof x === 'object' ? String(x) : x));
    expect(plain(ours)).toEqual(plain(theirs));
  });
});
