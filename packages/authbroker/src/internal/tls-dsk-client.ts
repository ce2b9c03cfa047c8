import type { X509Certificate } from 'node:crypto';
import type net from 'node:net';
import tls from 'node:tls';
import { TlsDskError } from './errors.js';
import { destroyEndpoint, MemoryDuplex, settle } from './memory-duplex.js';
import { formatSecurityStatus, SecurityStatus } from './security-status.js';
import {
  certToPem,
  protocolOptions,
  splitKeyBlock,
  statusForTlsError,
  TLS_DSK_KEY_BLOCK_LENGTH,
  TLS_DSK_KEY_LABEL,
  tlsCodeOf,
  loadSecureContext,
  privateKeyForTls,
  type TlsDskCredential,
  type TlsDskKeys,
  type TlsDskProtocol,
} from './tls-dsk-common.js';
import { cachedSecureContext } from './secure-context-cache.js';
import { coalesceHandshakeRecords, ContentType, hasChangeCipherSpecAndFinished, HandshakeType, plaintextHandshakeTypes, scanRecords } from './tls-records.js';

export interface TlsDskClientOptions {
  credential: TlsDskCredential;
  /** Default 'TLSv1' (V1 operations); 'TLSv1.2' for the V2 operations. */
  protocol?: TlsDskProtocol;
  /** The SIP server's targetname ([MS-SIPAE] 2.2.1); sent as SNI and checked against its certificate. */
  target?: string;
  /** Trust anchors for the SIP server's certificate; Node's default roots when omitted. */
  trustedCertificates?: ReadonlyArray<string | Uint8Array>;
  /**
   * Verify the SIP server's certificate chain and name (default true). Turning it off is for
   * laboratories only: the broker would then hand signing keys for any server.
   */
  verifyServer?: boolean;
  /** Override the name check (default: Node's tls.checkServerIdentity against `target`). */
  checkServerIdentity?: (hostname: string, cert: tls.PeerCertificate) => Error | undefined;
  /** OpenSSL cipher string; default 'DEFAULT:@SECLEVEL=0' (TLS 1.0 needs security level 0). */
  ciphers?: string;
  /**
   * NSS key log lines (`CLIENT_RANDOM <client random> <master secret>`), as Node's 'keylog' event
   * gives them. This exposes the session's master secret: for Wireshark and independent
   * cross-checks of the key block only, never for production logs.
   */
  keylog?: (line: Buffer) => void;
}

/** Result of one leg of the handshake (MS-OCAUTHWS 3.3: client_hello, gssapi-data challenge, finished). */
export interface TlsDskStep {
  status: SecurityStatus;
  /** TLS records to send to the SIP server as gssapi-data (empty when there is nothing to send). */
  output: Uint8Array;
  /** Present once the handshake is complete (status OK). */
  keys?: TlsDskKeys;
  /** Present when the handshake failed; the SA is then unusable. */
  error?: TlsDskError;
}

export type TlsDskClientState = 'initial' | 'hello-sent' | 'flight-sent' | 'complete' | 'failed';

/**
 * The client half of TLS-DSK, leg by leg, over Node's own TLS implementation fed through an
 * in-memory duplex (MS-OCAUTHWS 3.3; [MS-SIPAE] 3.2.5):
 * 1. `step()` with no input → client_hello, ContinueNeeded;
 * 2. `step(serverFlight)` (server_hello … server_hello_done) → certificate, client_key_exchange,
 *    certificate_verify, change_cipher_spec, finished, ContinueNeeded;
 * 3. `step(serverFinished)` (change_cipher_spec, finished) → OK with the signing keys.
 * A leg whose input is cut short returns IncompleteMessage and waits for the rest.
 * @throws {TlsDskError} ERR_TLSDSK_CONFIG from the constructor (no credential, an unusable protocol or Node.js version);
 *   `step()` never throws: failures come back as `{ status, error }`.
 */
export class TlsDskClient {
  private readonly wire = new MemoryDuplex();
  private readonly socket: tls.TLSSocket;
  private _state: TlsDskClientState = 'initial';
  private busy = false;
  private failure: unknown;
  private secure = false;
  private events = 0;
  /** Bytes of an inbound record cut short by the previous leg's input (gssapi-data may be split). */
  private partial: Buffer = Buffer.alloc(0);
  private readonly verifyServer: boolean;
  private readonly identity: (host: string, cert: tls.PeerCertificate) => Error | undefined;
  private readonly target: string | undefined;

  /**
   * @throws {TlsDskError} ERR_TLSDSK_CONFIG when `credential` lacks a certificate or private key, `protocol` is neither
   *   'TLSv1' nor 'TLSv1.2', this Node.js version has no TLSSocket._start(), or OpenSSL refuses the certificate, key,
   *   trusted certificates or cipher string (its code, e.g. ERR_OSSL_PEM_NO_START_LINE, in `tlsCode`).
   */
  constructor(options: TlsDskClientOptions) {
    const cred = options.credential;
    if (!cred || cred.certificate === undefined || cred.privateKey === undefined) {
      throw new TlsDskError('ERR_TLSDSK_CONFIG', 'credential: expected { certificate, privateKey }, received none', {
        securityStatus: SecurityStatus.NoCredentials,
      });
    }
    const protocol = options.protocol ?? 'TLSv1';
    const verify = options.verifyServer ?? true;
    this.verifyServer = verify;
    this.identity = options.checkServerIdentity ?? tls.checkServerIdentity;
    this.target = options.target;
    const certs = [certToPem(cred.certificate), ...(cred.chain ?? []).map(certToPem)];
    const ca = options.trustedCertificates?.map(certToPem);
    const proto = protocolOptions(protocol, options.ciphers);
    const secureContext = loadSecureContext('TLS-DSK client credential', () =>
      cachedSecureContext(['client', proto.minVersion, proto.ciphers, ...certs, '\0trust', ...(ca ?? ['\0default-roots'])], cred.privateKey, () =>
        tls.createSecureContext({
          ...proto,
          cert: certs.join(''),
          key: privateKeyForTls(cred.privateKey),
          ...(ca ? { ca } : {}),
        }),
      ),
    );
    // A client TLSSocket over the in-memory wire, started the way tls.connect starts one, but without
    // tls.connect's own late check of the server: that check repeats the chain and name checks this
    // class already makes when the server's flight arrives (serverCheck), and building the detailed
    // peer certificate for it cost ~8 % of a whole broker handshake.
    const socket = new tls.TLSSocket(this.wire as unknown as net.Socket, { secureContext, isServer: false, requestCert: true, rejectUnauthorized: verify });
    const internal = socket as unknown as { _releaseControl?: () => boolean; _start?: () => void; setServername(name: string): void };
    if (typeof internal._start !== 'function') {
      throw new TlsDskError('ERR_TLSDSK_CONFIG', 'this Node.js version does not expose TLSSocket._start(), needed to run a TLS client over an in-memory wire', {
        securityStatus: SecurityStatus.InternalError,
      });
    }
    internal._releaseControl?.();
    if (options.target && !/^[\d.:]+$/.test(options.target)) internal.setServername(options.target);
    internal._start();
    this.socket = socket;
    if (options.keylog) this.socket.on('keylog', options.keylog);
    this.socket.on('secure', () => {
      this.events++;
      const e = this.serverChecked ? undefined : this.serverCheck();
      if (e) {
        this.failure ??= e;
        this.socket.destroy();
        return;
      }
      this.secure = true;
    });
    this.socket.on('error', (e) => {
      this.failure ??= e;
      this.events++;
    });
    this.socket.on('close', () => this.events++);
    this.wire.on('data', () => this.events++);
  }

  get state(): TlsDskClientState {
    return this._state;
  }

  /**
   * Run the next leg.
   * @throws never: failures resolve as `{ status, error }` with a TlsDskError ERR_TLSDSK_STATE (a leg still running,
   *   the SA already failed or complete, input on the first leg or none on a later one), ERR_TLSDSK_INPUT (the input
   *   is not TLS records) or ERR_TLSDSK_HANDSHAKE (the TLS handshake failed, or the SIP server's certificate or name
   *   was rejected); after ERR_TLSDSK_INPUT / ERR_TLSDSK_HANDSHAKE the SA is 'failed'.
   */
  async step(input?: Uint8Array): Promise<TlsDskStep> {
    if (this.busy) return this.reject(SecurityStatus.OutOfSequence, 'a previous leg of this security association is still being processed', false);
    if (this._state === 'failed') return this.reject(SecurityStatus.InvalidHandle, 'the security association failed earlier and cannot continue', false);
    if (this._state === 'complete') return this.reject(SecurityStatus.OutOfSequence, 'the handshake is already complete; no further input is expected', false);
    if (this._state === 'initial' && input !== undefined && input.length > 0) {
      return this.reject(SecurityStatus.OutOfSequence, 'input: expected none for the first leg (client_hello), received gssapi-data', false);
    }
    if (this._state !== 'initial' && (input === undefined || input.length === 0)) {
      return this.reject(SecurityStatus.InvalidToken, "input: expected the SIP server's gssapi-data (TLS records), received nothing", false);
    }
    this.busy = true;
    try {
      if (this._state === 'initial') return await this.clientHello();
      if (this._state === 'hello-sent') return await this.clientFlight(input!);
      return await this.finish(input!);
    } finally {
      this.busy = false;
    }
  }

  /**
   * Release the TLS endpoint (idempotent).
   * @throws never
   */
  destroy(): void {
    destroyEndpoint(this.socket, this.wire);
  }

  private progress = (): number => this.wire.pending + this.events * 1_000_003;

  private async clientHello(): Promise<TlsDskStep> {
    await settle(() => this.failure !== undefined || plaintextHandshakeTypes(this.wire.records()).includes(HandshakeType.ClientHello), this.progress);
    if (this.failure !== undefined) return this.fail();
    const out = this.wire.drain();
    if (out.length === 0) return this.fail(new Error('the TLS client produced no client_hello'));
    this._state = 'hello-sent';
    return { status: SecurityStatus.ContinueNeeded, output: this.reframe(out) };
  }

  private feed(input: Uint8Array): TlsDskStep | undefined {
    const joined = Buffer.concat([this.partial, input]);
    const scan = scanRecords(joined);
    if (scan.malformed) {
      return this.fail(
        new TlsDskError(
          'ERR_TLSDSK_INPUT',
          `input: expected TLS records (content type 20–23, version 3.x), received ${input.length} bytes starting 0x${Buffer.from(input.subarray(0, 3)).toString('hex')}`,
          { securityStatus: SecurityStatus.InvalidToken },
        ),
      );
    }
    this.partial = Buffer.from(joined.subarray(joined.length - scan.trailing));
    this.wire.feed(input);
    return undefined;
  }

  private async clientFlight(input: Uint8Array): Promise<TlsDskStep> {
    const bad = this.feed(input);
    if (bad) return bad;
    await settle(() => this.failure !== undefined || hasChangeCipherSpecAndFinished(this.wire.records()), this.progress);
    if (this.failure !== undefined) return this.fail();
    if (!hasChangeCipherSpecAndFinished(this.wire.records())) {
      return { status: SecurityStatus.IncompleteMessage, output: new Uint8Array(0) };
    }
    // Check the SIP server's certificate now, before the client's certificate_verify leaves: Node
    // itself only checks after the server's finished. OpenSSL has verified the chain while reading
    // the server's Certificate message (its result is read the way Node's tls.Server reads it).
    const early = this.serverCheck();
    if (early) {
      this.wire.drain();
      return this.fail(early);
    }
    this._state = 'flight-sent';
    return { status: SecurityStatus.ContinueNeeded, output: this.reframe(this.wire.drain()) };
  }

  private async finish(input: Uint8Array): Promise<TlsDskStep> {
    const bad = this.feed(input);
    if (bad) return bad;
    // The server's chain and name were checked when its flight arrived (else at 'secure', see above).
    await settle(() => this.failure !== undefined || this.secure, this.progress);
    if (this.failure !== undefined) return this.fail();
    if (!this.secure) return { status: SecurityStatus.IncompleteMessage, output: new Uint8Array(0) };
    const block = this.socket.exportKeyingMaterial(TLS_DSK_KEY_BLOCK_LENGTH, TLS_DSK_KEY_LABEL, undefined as unknown as Buffer);
    const keys: TlsDskKeys = { ...splitKeyBlock(block), protocol: this.socket.getProtocol() ?? '', cipher: this.socket.getCipher()?.name ?? '' };
    block.fill(0);
    const extra = this.wire.drain();
    this._state = 'complete';
    this.destroy();
    return { status: SecurityStatus.OK, output: this.reframe(extra), keys };
  }

  private serverChecked = false;
  /** A ChangeCipherSpec left: the records that follow are encrypted and keep their framing. */
  private encrypted = false;

  /**
   * One flight in as few TLS records as the record size allows (certificate, client_key_exchange and
   * certificate_verify share a record, as Schannel sends them; see coalesceHandshakeRecords).
   */
  private reframe(flight: Buffer): Uint8Array {
    const r = coalesceHandshakeRecords(flight, this.encrypted);
    this.encrypted = r.encrypted;
    return new Uint8Array(r.bytes);
  }

  /**
   * The SIP server's chain (as OpenSSL verified it while reading the server's Certificate message,
   * read the way Node's tls.Server reads it) and its name against `target` (Node's
   * tls.checkServerIdentity unless overridden; 'localhost' without a target, as tls.connect would).
   */
  private serverCheck(): Error | undefined {
    if (!this.verifyServer) return undefined;
    const handle = (this.socket as unknown as { _handle?: { verifyError?: () => (Error & { code?: string }) | null } })._handle;
    if (typeof handle?.verifyError !== 'function') {
      return Object.assign(new Error('SIP server certificate cannot be verified: this Node.js version does not expose the TLS verification result'), {
        code: 'ERR_TLSDSK_NO_VERIFY_RESULT',
      });
    }
    const err = handle.verifyError();
    if (err) return Object.assign(new Error(`SIP server certificate rejected: ${err.code ?? err.message}`), { code: err.code });
    let cert: tls.PeerCertificate | undefined;
    try {
      cert = this.socket.getPeerCertificate(false);
    } catch {
      cert = undefined;
    }
    if (!cert || Object.keys(cert).length === 0)
      return Object.assign(new Error('SIP server sent no certificate'), { code: 'ERR_TLSDSK_NO_SERVER_CERTIFICATE' });
    const e = this.identity(this.target ?? 'localhost', cert);
    if (e) return e;
    this.serverChecked = true;
    return undefined;
  }

  /**
   * The SIP server's certificate, once it was received (after the second leg).
   * @throws never (undefined when there is none yet or it cannot be read)
   */
  peerCertificate(): X509Certificate | undefined {
    try {
      return this.socket.getPeerX509Certificate() ?? undefined;
    } catch {
      return undefined;
    }
  }

  private reject(status: number, why: string, fatal: boolean): TlsDskStep {
    const error = new TlsDskError('ERR_TLSDSK_STATE', `TLS-DSK security association (state ${this._state}): ${why}; status ${formatSecurityStatus(status)}`, {
      securityStatus: status,
    });
    if (fatal) this._state = 'failed';
    return { status: status as SecurityStatus, output: new Uint8Array(0), error };
  }

  private fail(cause: unknown = this.failure): TlsDskStep {
    const status = cause instanceof TlsDskError ? cause.securityStatus : statusForTlsError(cause);
    const tlsCode = cause instanceof TlsDskError ? cause.tlsCode : tlsCodeOf(cause);
    const error =
      cause instanceof TlsDskError
        ? cause
        : new TlsDskError(
            'ERR_TLSDSK_HANDSHAKE',
            `TLS-DSK handshake failed in state ${this._state}: ${(cause as Error)?.message ?? String(cause)} (status ${formatSecurityStatus(status)})`,
            { securityStatus: status, tlsCode, cause },
          );
    // An alert the TLS client wrote on its way out is still worth sending to the SIP server.
    const out = this.wire.drain();
    const alert = scanRecords(out).records.some((r) => r.contentType === ContentType.Alert) ? new Uint8Array(out) : new Uint8Array(0);
    this._state = 'failed';
    this.destroy();
    return { status: status as SecurityStatus, output: alert, error };
  }
}
