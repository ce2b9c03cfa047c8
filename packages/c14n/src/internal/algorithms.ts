// The six W3C canonicalization algorithm URIs (C14N 1.0, C14N 1.1, Exc-C14N, each ± comments) and what each selects.
import { C14nError } from './errors.js';

/** Canonical XML 1.0 (W3C REC 2001-03-15), comments omitted. */
export const C14N_10 = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
/** Canonical XML 1.0 with comments. */
export const C14N_10_WITH_COMMENTS = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments';
/** Canonical XML 1.1 (W3C REC 2008-05-02), comments omitted. */
export const C14N_11 = 'http://www.w3.org/2006/12/xml-c14n11';
/** Canonical XML 1.1 with comments. */
export const C14N_11_WITH_COMMENTS = 'http://www.w3.org/2006/12/xml-c14n11#WithComments';
/** Exclusive XML Canonicalization 1.0 (W3C REC 2002-07-18), comments omitted. */
export const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
/** Exclusive XML Canonicalization 1.0 with comments. */
export const EXC_C14N_WITH_COMMENTS = 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments';

/** The six algorithm identifiers this package implements. */
export type C14nAlgorithm =
  | typeof C14N_10
  | typeof C14N_10_WITH_COMMENTS
  | typeof C14N_11
  | typeof C14N_11_WITH_COMMENTS
  | typeof EXC_C14N
  | typeof EXC_C14N_WITH_COMMENTS;

export const enum Mode {
  C14N10 = 0,
  C14N11 = 1,
  EXC = 2,
}

export interface AlgorithmInfo {
  mode: Mode;
  withComments: boolean;
}

const TABLE: Record<string, AlgorithmInfo> = {
  [C14N_10]: { mode: Mode.C14N10, withComments: false },
  [C14N_10_WITH_COMMENTS]: { mode: Mode.C14N10, withComments: true },
  [C14N_11]: { mode: Mode.C14N11, withComments: false },
  [C14N_11_WITH_COMMENTS]: { mode: Mode.C14N11, withComments: true },
  [EXC_C14N]: { mode: Mode.EXC, withComments: false },
  [EXC_C14N_WITH_COMMENTS]: { mode: Mode.EXC, withComments: true },
};

/** All algorithm URIs, for iteration in tests and tools. */
export const C14N_ALGORITHMS: readonly C14nAlgorithm[] = Object.keys(TABLE) as C14nAlgorithm[];

export function algorithmInfo(algorithm: unknown): AlgorithmInfo {
  const info = typeof algorithm === 'string' && Object.hasOwn(TABLE, algorithm) ? TABLE[algorithm] : undefined;
  if (!info) {
    throw new C14nError(
      'ERR_C14N_ALGORITHM',
      `canonicalize options.algorithm: expected one of ${Object.keys(TABLE).join(', ')}, received ${typeof algorithm === 'string' ? JSON.stringify(algorithm) : typeof algorithm}`,
    );
  }
  return info;
}
