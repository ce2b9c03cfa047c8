// Loader for vectors/c14n/corpora.json (the public c14n interop corpora, Wycheproof-style).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { oracleMode, type OracleCase } from './libxml2.js';

export const VECTORS_DIR = fileURLToPath(new URL('../../../../vectors/c14n/', import.meta.url));

export interface XPathSpec {
  /** XPath 1.0 expression; namespace nodes are part of the data model it selects from. */
  xpath: string;
  /** Prefix bindings in force for the expression. */
  namespaces: Record<string, string>;
  file?: string;
}

export interface CorpusCase {
  tcId: number;
  comment: string;
  flags: string[];
  algorithm: string;
  input: string;
  /** DTD-free twin of a DOCTYPE input (xmllint --noent --dtdattr --dropdtd). */
  derivedInput?: string;
  /** nodeSet.xpath to use over derivedInput (id('X') rewritten: the twin has no ID-typed attributes). */
  derivedNodeSetXPath?: string;
  nodeSet?: XPathSpec;
  apex?: XPathSpec;
  inclusiveNamespaces?: string[];
  expected?: string;
  expectedError?: string;
  result: 'valid' | 'invalid';
  source: string;
  /** A departure we cannot (or do not yet) replay, with its reason. */
  pin?: { reason: string; kind: string };
}

export interface CorpusGroup {
  corpus: string;
  comment: string;
  tests: CorpusCase[];
}

export interface CorpusManifest {
  numberOfTests: number;
  sources: { corpus: string; repo: string; commit: string; paths: string[]; licence: string }[];
  testGroups: CorpusGroup[];
}

export function loadManifest(): CorpusManifest {
  return JSON.parse(readFileSync(join(VECTORS_DIR, 'corpora.json'), 'utf8')) as CorpusManifest;
}

export const vectorPath = (rel: string): string => join(VECTORS_DIR, rel);
export const vectorBytes = (rel: string): Buffer => readFileSync(vectorPath(rel));

/** The XPath node-set expression (namespace nodes included) equivalent to an apex's subtree. */
export function subtreeExpression(apex: string): string {
  return `(${apex}/descendant-or-self::node() | ${apex}/descendant-or-self::*/@* | ${apex}/descendant-or-self::*/namespace::*)`;
}

/** The libxml2 oracle case for a corpus case, over the original input or its DTD-free twin. */
export function oracleCase(c: CorpusCase, input: 'original' | 'derived' = 'original'): OracleCase {
  const { mode, withComments } = oracleMode(c.algorithm);
  const file = vectorPath(input === 'derived' && c.derivedInput ? c.derivedInput : c.input);
  const o: OracleCase = { mode, withComments, file };
  if (c.inclusiveNamespaces) o.inclusiveNamespaces = c.inclusiveNamespaces;
  if (c.nodeSet) {
    o.xpath = input === 'derived' && c.derivedNodeSetXPath ? c.derivedNodeSetXPath : c.nodeSet.xpath;
    o.namespaces = c.nodeSet.namespaces;
  }
  if (c.apex) {
    o.xpath = subtreeExpression(c.apex.xpath);
    o.namespaces = c.apex.namespaces;
  }
  return o;
}
