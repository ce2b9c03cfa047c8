// The structural views of the @xmldom/xmldom 0.9 DOM that the parsers and canonicalizers read and
// build (they also fit other W3C DOMs with the same properties): one declaration for every module.
import type { Document } from '@xmldom/xmldom';

/** A Document as parseXml returns it. */
export type XDocument = Document;

/** What a tree walk reads of any node. */
export interface DNode {
  nodeType: number;
  parentNode: DNode | null;
  firstChild: DNode | null;
  nextSibling: DNode | null;
}

/** What canonicalization reads of an Attr node. */
export interface DAttr extends DNode {
  name: string;
  prefix: string | null;
  localName: string | null;
  namespaceURI: string | null;
  value: string;
}

/** What canonicalization reads of an element. */
export interface DElement extends DNode {
  tagName: string;
  prefix: string | null;
  localName: string | null;
  namespaceURI: string | null;
  attributes: { readonly length: number; readonly [i: number]: DAttr };
}

/** What the fast parser sets on and calls of the nodes it builds. */
export interface BuiltNode {
  lineNumber?: number;
  columnNumber?: number;
  appendChild(n: BuiltNode): BuiltNode;
}
export interface BuiltElement extends BuiltNode {
  setAttributeNode(a: BuiltAttr): unknown;
}
export interface BuiltAttr extends BuiltNode {
  value: string;
  nodeValue: string;
}
/** The Document factory methods the fast parser calls, with xmldom's DOMHandler's arguments. */
export interface BuiltDocument extends BuiltNode {
  createElementNS(ns: string | null | undefined, q: string): BuiltElement;
  createAttributeNS(ns: string | null | undefined, q: string): BuiltAttr;
  createTextNode(s: string): BuiltNode;
  createComment(s: string): BuiltNode;
  createCDATASection(s: string): BuiltNode;
  createProcessingInstruction(t: string, d: string | undefined): BuiltNode;
}
