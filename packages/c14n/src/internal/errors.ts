// The error classes of @ocauth/c14n: XmlParseError (parseXml) and C14nError (canonicalization), each with a closed code union.
/** Codes carried by {@link XmlParseError}. */
export type XmlParseErrorCode = 'ERR_XML_PARSE' | 'ERR_XML_DOCTYPE' | 'ERR_XML_LIMIT';

/**
 * Raised by `parseXml` for input that is not accepted: malformed XML or invalid UTF-8
 * (`ERR_XML_PARSE`), a document type declaration (`ERR_XML_DOCTYPE`) or a size/depth/attribute bound
 * exceeded (`ERR_XML_LIMIT`). `line`/`column` are 1-based positions in the decoded text when known.
 */
export class XmlParseError extends Error {
  readonly code: XmlParseErrorCode;
  readonly line: number | undefined;
  readonly column: number | undefined;
  /**
   * @throws never
   */
  constructor(code: XmlParseErrorCode, message: string, position?: { line?: number; column?: number }, options?: { cause?: unknown }) {
    const where = position?.line !== undefined ? ` (line ${position.line}, column ${position.column ?? '?'})` : '';
    super(message + where, options);
    this.name = 'XmlParseError';
    this.code = code;
    this.line = position?.line;
    this.column = position?.column;
  }
}

/** Codes carried by {@link C14nError}. */
export type C14nErrorCode = 'ERR_C14N_RELATIVE_NAMESPACE' | 'ERR_C14N_ALGORITHM' | 'ERR_C14N_INPUT' | 'ERR_C14N_ID_NOT_FOUND' | 'ERR_C14N_DUPLICATE_ID';

/**
 * Raised by `canonicalize` when the input cannot be canonicalized: a relative namespace URI
 * (`ERR_C14N_RELATIVE_NAMESPACE`, C14N 1.0 §2.3 / Exc-C14N §4), an unknown algorithm URI or an
 * option the algorithm does not take (`ERR_C14N_ALGORITHM`), something that is not a DOM node
 * this package can walk (`ERR_C14N_INPUT`), or, for canonicalizeById, no element or more than one
 * element with the Id (`ERR_C14N_ID_NOT_FOUND`, `ERR_C14N_DUPLICATE_ID`).
 */
export class C14nError extends Error {
  readonly code: C14nErrorCode;
  /**
   * @throws never
   */
  constructor(code: C14nErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'C14nError';
    this.code = code;
  }
}
