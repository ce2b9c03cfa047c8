// Transport failures of the MS-OCAUTHWS clients, named: Node's fetch reports every network or TLS
// failure as `TypeError: fetch failed` with the reason only in `cause`. The clients wrap the fetch they
// use with withTransportErrors(), so a pool whose certificate is not trusted says so and names the
// option that fixes it (`fetch`, with a CA), instead of a bare "fetch failed".

/** Node / OpenSSL error codes meaning "the server's certificate chain is not trusted". */
const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);
const HOSTNAME = new Set(['ERR_TLS_CERT_ALTNAME_INVALID', 'ERR_TLS_CERT_ALTNAME_FORMAT']);
const EXPIRED = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

import { DiagnosticsError } from './errors.js';

export type TransportErrorCode = 'ERR_TRANSPORT_TLS_UNTRUSTED' | 'ERR_TRANSPORT_TLS_HOSTNAME' | 'ERR_TRANSPORT_TLS_EXPIRED' | 'ERR_TRANSPORT';

/**
 * A request could not be sent or answered (network, TLS); `cause` is the original error. A
 * {@link DiagnosticsError} whose code is one of {@link TransportErrorCode}.
 */
export class TransportError extends DiagnosticsError {
  declare readonly code: TransportErrorCode;
  /** The underlying Node / OpenSSL code (e.g. SELF_SIGNED_CERT_IN_CHAIN, ECONNREFUSED), when known. */
  readonly causeCode: string | undefined;
  readonly url: string;
  /**
   * @throws never
   */
  constructor(code: TransportErrorCode, message: string, options: { url: string; causeCode?: string | undefined; field?: string; cause?: unknown }) {
    super(code, message, options);
    this.name = 'TransportError';
    this.url = options.url;
    this.causeCode = options.causeCode;
  }
}

const causeCodeOf = (e: unknown): string | undefined => {
  for (let x = e as { code?: unknown; cause?: unknown } | undefined, i = 0; x && i < 5; x = x.cause as typeof x, i++) {
    if (typeof x.code === 'string' && x !== e) return x.code;
  }
  return undefined;
};

/**
 * The TransportError for a rejected fetch (undefined when it is not a network/TLS failure, e.g. an
 * abort, which callers handle themselves). `client` names the API whose `fetch` option fixes a trust problem.
 *
 * @throws never: it builds the TransportError (ERR_TRANSPORT_TLS_UNTRUSTED, ERR_TRANSPORT_TLS_HOSTNAME,
 * @throws ERR_TRANSPORT_TLS_EXPIRED, ERR_TRANSPORT) for the caller to throw.
 */
export function transportError(e: unknown, url: string, client: string): TransportError | undefined {
  if ((e as Error)?.name === 'AbortError' || (e as Error)?.name === 'TimeoutError' || !(e instanceof TypeError)) return undefined;
  const code = causeCodeOf(e);
  const host = (() => {
    try {
      return new URL(url).host;
    } catch {
      return url;
    }
  })();
  const fix = `pass ${client}'s \`fetch\` option a fetch that trusts the pool's CA (e.g. createHttpsFetch({ ca }) from @ocauth/server, or an undici Agent with connect.ca), or add the CA to NODE_EXTRA_CA_CERTS`;
  if (code && UNTRUSTED.has(code))
    return new TransportError('ERR_TRANSPORT_TLS_UNTRUSTED', `${client}: the TLS certificate of ${host} is not trusted (${code}); ${fix}`, {
      url,
      causeCode: code,
      cause: e,
    });
  if (code && HOSTNAME.has(code))
    return new TransportError(
      'ERR_TRANSPORT_TLS_HOSTNAME',
      `${client}: the TLS certificate of ${host} does not name that host (${code}); use the pool's FQDN in the URL, or a certificate whose SAN has it`,
      { url, causeCode: code, cause: e },
    );
  if (code && EXPIRED.has(code))
    return new TransportError('ERR_TRANSPORT_TLS_EXPIRED', `${client}: the TLS certificate of ${host} is outside its validity period (${code})`, {
      url,
      causeCode: code,
      cause: e,
    });
  return new TransportError('ERR_TRANSPORT', `${client}: request to ${url} failed (${code ?? (e as Error).message})`, { url, causeCode: code, cause: e });
}

/**
 * `f` with TLS certificate failures (untrusted, wrong host name, expired) rethrown as TransportError naming
 * `client` and the fix; other failures (refused, DNS, aborts) pass through unchanged for the client to report.
 *
 * @throws {TransportError} ERR_TRANSPORT_TLS_UNTRUSTED, ERR_TRANSPORT_TLS_HOSTNAME, ERR_TRANSPORT_TLS_EXPIRED: the
 * @throws returned fetch rejects with these for TLS certificate failures; other rejections pass through. Wrapping
 * @throws itself never throws.
 */
export function withTransportErrors(f: typeof fetch, client: string): typeof fetch {
  const wrapped = async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    try {
      return await f(input, init);
    } catch (e) {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : (input as Request).url;
      const t = transportError(e, url, client);
      throw t && t.code !== 'ERR_TRANSPORT' ? t : e;
    }
  };
  return wrapped as typeof fetch;
}
