import { constants as cryptoConstants, X509Certificate } from 'node:crypto';
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
import {
  coalesceHandshakeRecords,
  firstCertificate,
  hasChangeCipherSpecAndFinished,
  HandshakeType,
  plaintextHandshakeTypes,
  scanRecords,
} from './tls-records.js';

export interface TlsDskRegistrarPeerOptions {
  /** The SIP server's own certificate and key. */
  credential: TlsDskCredential;
  /** Trust anchors for the users' certificates (the CA of the certificate provisioning service). */
  trustedClientCertificates: ReadonlyArray<string | Uint8Array>;
  protocol?: TlsDskProtocol;
  ciphers?: string;
}

export interface TlsDskRegistrarResult {
  /** base64 gssapi-data to put in the next 401 challenge / final response (empty when none). */
  gssapiData: string;
  /** True once the handshake finished: `keys` and `clientCertificate` are then set. */
  done: boolean;
  keys?: TlsDskKeys;
  clientCertificate?: X509Certificate;
  /** The server name the client asked for (TLS SNI: the broker's targetname), once done; absent if none. */
  serverName?: string;
}

/**
 * The SIP registrar's half of TLS-DSK ([MS-SIPAE] 3.2.5), for tests and laboratories: a Node TLS
 * server that requires and verifies the client certificate, fed through base64 gssapi-data exactly
 * as a registrar receives it in SIP REGISTER Authorization headers. It derives the same key block as
 * the client, so both sides' signing keys can be compared.
 * @throws {TlsDskError} ERR_TLSDSK_CONFIG from the constructor (no trusted client CA, an unusable protocol);
 *   `respond()` rejects with ERR_TLSDSK_STATE (handshake already done), ERR_TLSDSK_INPUT (not base64) or
 *   ERR_TLSDSK_HANDSHAKE (the TLS handshake failed; its `cause` may be an ERR_TLSDSK_CONFIG TlsDskError).
 */
export class TlsDskRegistrarPeer {
  private readonly wire = new MemoryDuplex();
  private readonly socket: tls.TLSSocket;
  /** Every gssapi-data token received, as bytes: the client's Certificate message is read from them once done. */
  private readonly received: Buffer[] = [];
  private failure: unknown;
  private secure = false;
  private events = 0;
  private _done = false;
  /** A ChangeCipherSpec left: the records that follow are encrypted and keep their framing. */
  private encrypted = false;

  /**
   * @throws {TlsDskError} ERR_TLSDSK_CONFIG when `credential` lacks a certificate or private key, `trustedClientCertificates`
   *   is missing or empty, `protocol` is neither 'TLSv1' nor 'TLSv1.2', or OpenSSL refuses the certificate, key, CA
   *   certificates or cipher string (its code, e.g. ERR_OSSL_PEM_NO_START_LINE, in `tlsCode`).
   */
  constructor(options: TlsDskRegistrarPeerOptions) {
    const protocol = options.protocol ?? 'TLSv1';
    const cred = options.credential;
    if (!cred || cred.certificate === undefined || cred.privateKey === undefined) {
      throw new TlsDskError('ERR_TLSDSK_CONFIG', "credential: expected the registrar's { certificate, privateKey }, received none", {
        securityStatus: SecurityStatus.NoCredentials,
      });
    }
    if (!options.trustedClientCertificates || options.trustedClientCertificates.length === 0) {
      throw new TlsDskError('ERR_TLSDSK_CONFIG', 'trustedClientCertificates: expected at least one CA certificate, received none', {
        securityStatus: SecurityStatus.NoAuthenticatingAuthority,
      });
    }
    const proto = protocolOptions(protocol, options.ciphers);
    const certs = [certToPem(cred.certificate), ...(cred.chain ?? []).map(certToPem)];
    const ca = options.trustedClientCertificates.map(certToPem);
    const secureContext = loadSecureContext('TLS-DSK registrar credential', () =>
      cachedSecureContext(['registrar', proto.minVersion, proto.ciphers, ...certs, '\0trust', ...ca], cred.privateKey, () =>
        tls.createSecureContext({
          ...proto,
          cert: certs.join(''),
          key: privateKeyForTls(cred.privateKey),
          ca,
          // A registrar's final leg is change_cipher_spec + finished: no session ticket.
          secureOptions: cryptoConstants.SSL_OP_NO_TICKET,
        }),
      ),
    );
    // Verification of the client certificate is read from OpenSSL after the handshake, as Node's own
    // tls.Server does (its rejection would only say "socket hang up").
    this.socket = new tls.TLSSocket(this.wire, { isServer: true, secureContext, requestCert: true, rejectUnauthorized: false });
    this.socket.on('secure', () => {
      this.events++;
      const handle = (this.socket as unknown as { _handle?: { verifyError?: () => Error | null } })._handle;
      if (typeof handle?.verifyError !== 'function') {
        this.failure ??= new TlsDskError('ERR_TLSDSK_CONFIG', 'registrar peer: this Node.js version does not expose the TLS verification result', {
          securityStatus: SecurityStatus.InternalError,
        });
        return;
      }
      // Node reports a missing client certificate as a verification error too (UNABLE_TO_GET_ISSUER_CERT).
      const verifyError = handle.verifyError() as (Error & { code?: string }) | null;
      if (verifyError) {
        const code = String(verifyError.code ?? 'PEER_DID_NOT_RETURN_A_CERTIFICATE');
        this.failure ??= Object.assign(new Error(`client certificate rejected: ${code}`), { code });
        return;
      }
      this.secure = true;
    });
    this.socket.on('error', (e) => {
      this.failure ??= e;
      this.events++;
    });
  }

  get done(): boolean {
    return this._done;
  }

  /**
   * Process one gssapi-data token from the client.
   * @throws {TlsDskError} (rejects) ERR_TLSDSK_STATE when the handshake is already complete; ERR_TLSDSK_INPUT when
   *   `gssapiData` is not a base64 string; ERR_TLSDSK_HANDSHAKE when the TLS handshake failed (a TLS alert, the client
   *   certificate rejected or absent, or, with the failure as its `cause`, an ERR_TLSDSK_CONFIG TlsDskError when this
   *   Node.js version does not expose the verification result); once failed, every later call rejects the same way.
   */
  async respond(gssapiData: string): Promise<TlsDskRegistrarResult> {
    if (this._done)
      throw new TlsDskError('ERR_TLSDSK_STATE', 'registrar peer: the handshake is already complete', { securityStatus: SecurityStatus.OutOfSequence });
    if (this.failure !== undefined) throw this.error();
    if (typeof gssapiData !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(gssapiData) || gssapiData.length % 4 !== 0) {
      throw new TlsDskError(
        'ERR_TLSDSK_INPUT',
        `gssapi-data: expected base64, received ${typeof gssapiData === 'string' ? `${gssapiData.length} chars` : typeof gssapiData}`,
        { securityStatus: SecurityStatus.InvalidToken },
      );
    }
    const input = Buffer.from(gssapiData, 'base64');
    this.received.push(input);
    const firstLeg = plaintextHandshakeTypes(scanRecords(input).records).includes(HandshakeType.ClientHello);
    this.wire.feed(input);
    const progress = () => this.wire.pending + this.events * 1_000_003;
    if (firstLeg) {
      await settle(() => this.failure !== undefined || plaintextHandshakeTypes(this.wire.records()).includes(HandshakeType.ServerHelloDone), progress);
      if (this.failure !== undefined) throw this.error();
      return { gssapiData: Buffer.from(this.reframe(this.wire.drain())).toString('base64'), done: false };
    }
    await settle(() => this.failure !== undefined || (this.secure && hasChangeCipherSpecAndFinished(this.wire.records())), progress);
    if (this.failure !== undefined) throw this.error();
    if (!this.secure) {
      return { gssapiData: '', done: false };
    }
    // The certificate OpenSSL verified is the first of the client's Certificate message, read from the
    // plaintext records it was fed: Node's getPeerX509Certificate() costs about 150 µs (~4 % of a whole
    // broker handshake), so the X509Certificate is only built when `clientCertificate` is read.
    const der = firstCertificate(scanRecords(Buffer.concat(this.received)).records);
    if (der === undefined) {
      this.failure ??= Object.assign(new Error('client certificate rejected: PEER_DID_NOT_RETURN_A_CERTIFICATE'), {
        code: 'PEER_DID_NOT_RETURN_A_CERTIFICATE',
      });
      throw this.error();
    }
    const s = this.socket;
    const block = s.exportKeyingMaterial(TLS_DSK_KEY_BLOCK_LENGTH, TLS_DSK_KEY_LABEL, undefined as unknown as Buffer);
    const keys: TlsDskKeys = { ...splitKeyBlock(block), protocol: s.getProtocol() ?? '', cipher: s.getCipher()?.name ?? '' };
    block.fill(0);
    const out = Buffer.from(this.reframe(this.wire.drain())).toString('base64');
    this._done = true;
    this.received.length = 0;
    const serverName = typeof s.servername === 'string' && s.servername !== '' ? s.servername : undefined;
    this.destroy();
    const result: TlsDskRegistrarResult = { gssapiData: out, done: true, keys, ...(serverName ? { serverName } : {}) };
    let certificate: X509Certificate | undefined;
    Object.defineProperty(result, 'clientCertificate', {
      enumerable: true,
      get: () => {
        try {
          certificate ??= new X509Certificate(der);
        } catch {
          // OpenSSL parsed these bytes during the handshake; Node's parser refusing them leaves the property undefined.
        }
        return certificate;
      },
    });
    return result;
  }

  /** One flight in as few records as possible, as Schannel registrars send it (see coalesceHandshakeRecords). */
  private reframe(flight: Buffer): Uint8Array {
    const r = coalesceHandshakeRecords(flight, this.encrypted);
    this.encrypted = r.encrypted;
    return r.bytes;
  }

  private error(): TlsDskError {
    const cause = this.failure;
    const status = statusForTlsError(cause);
    // Alert records the server wrote are dropped: a registrar answers a failed TLS-DSK with a 401.
    this.wire.drain();
    return new TlsDskError(
      'ERR_TLSDSK_HANDSHAKE',
      `registrar peer: TLS-DSK handshake failed: ${(cause as Error)?.message ?? String(cause)} (status ${formatSecurityStatus(status)})`,
      { securityStatus: status, tlsCode: tlsCodeOf(cause), cause },
    );
  }

  /**
   * Release the TLS endpoint.
   * @throws never
   */
  destroy(): void {
    destroyEndpoint(this.socket, this.wire);
  }
}
