// The DOM helpers of dom.ts, read against documents whose structure is written out by hand.
import { describe, expect, it } from 'vitest';
import {
  attributeValue,
  childElement,
  childElements,
  descendantElements,
  describeElement,
  findElement,
  isElement,
  isElementLike,
  namespaceIgnoringTrailingSlash,
  parseXml,
  serializeXml,
} from '../src/index.js';

const A = 'urn:a';
const B = 'urn:b/';
const doc = parseXml(`<a:r xmlns:a="${A}" xmlns:b="${B}" x="1" b:y="2"><a:k>one</a:k>text<b:k/><!--c--><a:k><a:k>deep</a:k></a:k><k xmlns="urn:b"/></a:r>`);
const root = doc.documentElement!;

describe('DOM helpers', () => {
  it('childElements filters element children by namespace and local name, in order', () => {
    expect(childElements(root).map(describeElement)).toEqual([`{${A}}k`, `{${B}}k`, `{${A}}k`, '{urn:b}k']);
    expect(childElements(root, A, 'k').map((e) => e.textContent)).toEqual(['one', 'deep']);
    expect(childElements(root, B).length).toBe(1);
    expect(childElements(root, namespaceIgnoringTrailingSlash('urn:b')).length).toBe(2);
    expect(childElements(root, namespaceIgnoringTrailingSlash(B), 'k').length).toBe(2);
    expect(childElements(root, A, 'none')).toEqual([]);
  });
  it('childElement returns the first match or undefined', () => {
    expect(childElement(root, A, 'k')?.textContent).toBe('one');
    expect(childElement(root, 'urn:c', 'k')).toBeUndefined();
  });
  it('descendantElements walks the whole subtree in document order, not the root', () => {
    expect(descendantElements(root, A, 'k').map((e) => e.textContent)).toEqual(['one', 'deep', 'deep']);
    expect(descendantElements(doc, A, 'r')).toEqual([root]);
    expect(descendantElements(root, A, 'r')).toEqual([]);
  });
  it('descendantElements and findElement survive deep nesting without recursion', () => {
    const deep = parseXml(`${'<d>'.repeat(5000)}<x/>${'</d>'.repeat(5000)}`, { maxDepth: 6000 });
    expect(descendantElements(deep, null, 'x').length).toBe(1);
    expect(descendantElements(deep, A, 'x').length).toBe(0);
    expect(findElement(deep.documentElement!, (e) => e.localName === 'x')?.localName).toBe('x');
    expect(findElement(deep.documentElement!, (e) => e.localName === 'x', 100)).toBeUndefined();
  });
  it('findElement starts with the root itself', () => {
    expect(findElement(root, (e) => e.localName === 'r')).toBe(root);
  });
  it('attributeValue reads unqualified and qualified attributes, undefined when absent', () => {
    expect(attributeValue(root, 'x')).toBe('1');
    expect(attributeValue(root, 'y')).toBeUndefined();
    expect(attributeValue(root, 'y', B)).toBe('2');
    expect(attributeValue(root, 'y', namespaceIgnoringTrailingSlash('urn:b'))).toBe('2');
    expect(attributeValue(root, 'x', A)).toBeUndefined();
  });
  it('isElement and isElementLike tell elements from other nodes and values', () => {
    expect(isElement(root, A, 'r')).toBe(true);
    expect(isElement(root, B, 'r')).toBe(false);
    expect(isElement(root.firstChild!.nextSibling)).toBe(false);
    expect(isElement(null)).toBe(false);
    expect(isElementLike(root)).toBe(true);
    expect(isElementLike({ nodeType: 1 })).toBe(false);
    expect(describeElement(undefined)).toBe('nothing');
  });
  it('namespaceIgnoringTrailingSlash accepts exactly the name with and without one "/"', () => {
    const t = namespaceIgnoringTrailingSlash('http://docs.oasis-open.org/ws-sx/ws-trust/200512/');
    expect([
      t('http://docs.oasis-open.org/ws-sx/ws-trust/200512'),
      t('http://docs.oasis-open.org/ws-sx/ws-trust/200512/'),
      t('http://docs.oasis-open.org/ws-sx/ws-trust/200512//'),
      t(null),
      t(''),
    ]).toEqual([true, true, false, false, false]);
  });
  it('serializeXml writes the subtree back', () => {
    expect(serializeXml(childElement(root, A, 'k')!)).toBe(`<a:k xmlns:a="${A}">one</a:k>`);
  });
});
