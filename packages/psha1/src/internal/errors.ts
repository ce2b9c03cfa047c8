/** Stable error codes thrown by @ocauth/psha1. */
export type Psha1ErrorCode =
  | 'ERR_PSHA1_INVALID_BYTES'
  | 'ERR_PSHA1_INVALID_LENGTH'
  | 'ERR_PSHA1_EMPTY_SEED'
  | 'ERR_PSHA1_EMPTY_ENTROPY'
  | 'ERR_PSHA1_INVALID_HASH'
  | 'ERR_PSHA1_INVALID_KEY_SIZE';

/**
 * Every input error of this package. `code` is stable; `field` names the argument that was wrong.
 * Messages describe the shape of a bad value (type, length), never its bytes: inputs are key material.
 */
export class Psha1Error extends Error {
  override readonly name = 'Psha1Error';
  readonly code: Psha1ErrorCode;
  /** The argument that was wrong. */
  readonly field: string | undefined;
  /**
   * @throws never
   */
  constructor(code: Psha1ErrorCode, message: string, options: { field?: string | undefined; cause?: unknown } = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.code = code;
    this.field = options.field;
  }
}

/** Describes a value's type for error messages without echoing its content. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'string') return `a string of length ${value.length}`;
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : `the number ${value}`;
  if (typeof value === 'object') {
    const ctor = (value as { constructor?: { name?: string } }).constructor?.name;
    return ctor ? `an instance of ${ctor}` : 'an object';
  }
  return typeof value;
}
