// The one error model of @ocauth/c14n: XmlError (base, closed XmlErrorCode union, (code, message, { field?, cause? })),
// with XmlParseError (parseXml) and C14nError (canonicalization) as its two kinds.
/** Codes carried by {@link XmlParseError}. */
export type XmlParseErrorCode = 'ERR_XML_PARSE' | 'ERR_XML_DOCTYPE' | 'ERR_XML_LIMIT';

/** Codes carried by {@link C14nError}. */
export type C14nErrorCode = 'ERR_C14N_RELATIVE_NAMESPACE' | 'ERR_C14N_ALGORITHM' | 'ERR_C14N_INPUT' | 'ERR_C14N_ID_NOT_FOUND' | 'ERR_C14N_DUPLICATE_ID';

/** Every code this package throws. */
export type XmlErrorCode = XmlParseErrorCode | C14nErrorCode;

/**
 * The base of every error @ocauth/c14n throws: a stable `code`, a message naming what was expected and
 * what was received, the `field` (argument or option) it is about when there is one, and `cause`.
 */
export class XmlError extends Error {
  readonly code: XmlErrorCode;
  /** The argument or option the error is about, when there is one. */
  readonly field: string | undefined;
  /**
   * @throws never
   */
  constructor(code: XmlErrorCode, message: string, options: { field?: string | undefined; cause?: unknown } = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'XmlError';
    this.code = code;
    this.field = options.field;
  }
}

/**
 * Raised by `parseXml` for input that is not accepted: malformed XML or invalid UTF-8
 * (`ERR_XML_PARSE`), a document type declaration (`ERR_XML_DOCTYPE`) or a size/depth/attribute bound
 * exceeded (`ERR_XML_LIMIT`). `line`/`column` are 1-based positions in the decoded text when known
 * (and then appended to the message).
 */
export class XmlParseError extends XmlError {
  declare readonly code: XmlParseErrorCode;
  readonly line: number | undefined;
  readonly column: number | undefined;
  /**
   * @throws never
   */
  constructor(
    code: XmlParseErrorCode,
    message: string,
    options: { line?: number | undefined; column?: number | undefined; field?: string | undefined; cause?: unknown } = {},
  ) {
    const where = options.line !== undefined ? ` (line ${options.line}, column ${options.column ?? '?'})` : '';
    super(code, message + where, options);
    this.name = 'XmlParseError';
    this.line = options.line;
    this.column = options.column;
  }
}

/**
 * Raised by `canonicalize` when the input cannot be canonicalized: a relative namespace URI
 * (`ERR_C14N_RELATIVE_NAMESPACE`, C14N 1.0 §2.3 / Exc-C14N §4), an unknown algorithm URI or an
 * option the algorithm does not take (`ERR_C14N_ALGORITHM`), something that is not a DOM node
 * this package can walk (`ERR_C14N_INPUT`), or, for canonicalizeById, no element or more than one
 * element with the Id (`ERR_C14N_ID_NOT_FOUND`, `ERR_C14N_DUPLICATE_ID`).
 */
export class C14nError extends XmlError {
  declare readonly code: C14nErrorCode;
  /**
   * @throws never
   */
  constructor(code: C14nErrorCode, message: string, options: { field?: string | undefined; cause?: unknown } = {}) {
    super(code, message, options);
    this.name = 'C14nError';
  }
}
