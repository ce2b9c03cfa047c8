// Options and seams of the Authentication Broker handler (MS-OCAUTHWS 3.3): ticket verifier, credential source, limits.
import type { Document } from '@xmldom/xmldom';
import type { HashAlgorithmName } from './hash-algorithm.js';
import type { AuthBrokerSessionStore } from './session-store.js';
import type { TlsDskCredential } from './tls-dsk-common.js';

/** What a ticket verifier (e.g. @ocauth/wstrust createTicketVerifier) returns for a valid web ticket. */
export interface AuthBrokerTicket {
  sipUri: string;
  assertionId?: string;
  notOnOrAfter?: Date | string | number;
  [key: string]: unknown;
}

/**
 * Authenticates a request by the web ticket in its wsse:Security header (MS-OCAUTHWS 3.3: "The
 * service requires a valid Web Ticket"). Throws for a missing, invalid or expired ticket; an error
 * may carry `errorId` (28000–28035) and `code`, which the handler reports.
 */
export interface AuthBrokerTicketVerifier {
  /**
   * `parsed.document` is the handler's own parse of `envelope` (@ocauth/c14n `parseXml`): a verifier that
   * reads DOMs (@ocauth/wstrust createTicketVerifier does) can use it instead of parsing the request again.
   */
  verify(envelope: string, parsed?: { document: Document }): Promise<AuthBrokerTicket>;
}

export interface CredentialRequest {
  sipUri: string;
  sipInstance: string;
  sessionId: string;
  ticket: AuthBrokerTicket;
}

/** A certificate (2) and key for the user; `notAfter` defaults to the certificate's validTo. */
export type AcquiredCredential = TlsDskCredential & { notAfter?: Date };

/**
 * Where AuthBrokerAcquireCredential gets the user's certificate (MS-OCAUTHWS 3.3: "acquire a new
 * certificate from the Certificate Provisioning Service … or locate a previously obtained
 * certificate"). Return null (or throw) when none can be obtained: the operation then returns 0.
 */
export interface CredentialSource {
  acquire(request: CredentialRequest): Promise<AcquiredCredential | null>;
}

export interface AuthBrokerHandlerOptions {
  ticketVerifier: AuthBrokerTicketVerifier;
  credentialSource: CredentialSource;
  sessionStore?: AuthBrokerSessionStore;
  /** Injected clock (default: system time). */
  clock?: () => Date;
  /** Session ids (default: crypto.randomUUID). */
  randomUUID?: () => string;
  /** Session expiration timer: inactivity, in seconds (MS-OCAUTHWS 3.3.2). Default 600. */
  sessionIdleSeconds?: number;
  /**
   * How often idle sessions are swept in the background (seconds, default 60; 0 = only on
   * requests). The timer is unref'd; `close()` stops it and releases every session.
   */
  sweepIntervalSeconds?: number;
  /** Server preference for V1 (TLS 1.0) sessions; default SHA1, SHA256, SHA384, SHA512 (4.3.2 picks SHA1). */
  hashAlgorithmsV1?: HashAlgorithmName[];
  /** Server preference for V2 (TLS 1.2) sessions; default SHA256, SHA384, SHA512, SHA1. */
  hashAlgorithmsV2?: HashAlgorithmName[];
  /** Trust for the SIP servers' certificates (the broker plays the TLS client towards them). */
  registrarTrust?: { trustedCertificates?: ReadonlyArray<string | Uint8Array>; verifyServer?: boolean };
  /** Included as X-MS-WebTicketURL in 401 answers, so clients know where to get a ticket. */
  webTicketUrl?: string;
  /** FQDN of this server, the `source` of X-Ms-diagnostics (MS-OCAUTHWS 3.2.4.1: the FQDN of the server that generated the error). */
  serverFqdn?: string;
  /** Limits (defaults: 1 MiB body, 64 KiB gssapi-data, 10 000 sessions, 8 targets per session). */
  maxBodyBytes?: number;
  maxInputBytes?: number;
  maxSessions?: number;
  /** Sessions one user may hold at once (default 32; needs a store with countForUser). */
  maxSessionsPerUser?: number;
  maxTargetsPerSession?: number;
  /** OpenSSL cipher string for the TLS-DSK client (default 'DEFAULT:@SECLEVEL=0'). */
  ciphers?: string;
}

export type AuthBrokerHandler = ((request: Request) => Promise<Response>) & {
  /** Drop sessions idle past the expiration timer now (also done lazily on every request). */
  sweep(): Promise<number>;
  /** Number of live sessions. */
  sessionCount(): Promise<number>;
  /** Stop the background sweep and release the in-process state of every session. */
  close(): void;
};
