import type { KeyObject } from 'node:crypto';
import { TlsDskError } from './errors.js';
import { SecurityStatus } from './security-status.js';

/**
 * TLS versions the broker speaks for TLS-DSK: TLS 1.0 for the V1 operations (what SIP servers of the
 * Lync 2010/2013 era negotiate) and TLS 1.2 for the V2 operations (MS-OCAUTHWS 3.3.4.5 – 3.3.4.7).
 */
export type TlsDskProtocol = 'TLSv1' | 'TLSv1.2';

/** The user's certificate (2) and private key the broker authenticates with (MS-OCAUTHWS 3.3). */
export interface TlsDskCredential {
  /** PEM or DER X.509 certificate. */
  certificate: string | Uint8Array;
  privateKey: string | Uint8Array | KeyObject;
  /** Intermediate certificates sent after the leaf (PEM or DER). */
  chain?: ReadonlyArray<string | Uint8Array>;
}

/**
 * The TLS-DSK session keys ([MS-SIPAE] 3.2.5.1): the 128-byte key block exported with the label
 * "client EAP encryption" from the master secret and both randoms; the client signing key is bytes
 * 64–95, the server signing key bytes 96–127.
 */
export interface TlsDskKeys {
  clientSigningKey: Uint8Array;
  serverSigningKey: Uint8Array;
  /** Negotiated protocol (`TLSv1`, `TLSv1.2`) and cipher suite (OpenSSL name). */
  protocol: string;
  cipher: string;
}

export const TLS_DSK_KEY_LABEL = 'client EAP encryption';
export const TLS_DSK_KEY_BLOCK_LENGTH = 128;

/** Split an exported key block into the two signing keys ([MS-SIPAE] 3.2.5.1). */
export function splitKeyBlock(block: Uint8Array): { clientSigningKey: Uint8Array; serverSigningKey: Uint8Array } {
  if (block.length !== TLS_DSK_KEY_BLOCK_LENGTH) {
    throw new TlsDskError('ERR_TLSDSK_HANDSHAKE', `key block: expected ${TLS_DSK_KEY_BLOCK_LENGTH} bytes, received ${block.length}`, {
      securityStatus: SecurityStatus.InternalError,
    });
  }
  return { clientSigningKey: new Uint8Array(block.subarray(64, 96)), serverSigningKey: new Uint8Array(block.subarray(96, 128)) };
}

/** A credential's private key as `tls.createSecureContext` takes it: PEM text or DER/PEM bytes as given, a KeyObject exported to PKCS#8 PEM. */
export function privateKeyForTls(k: string | Uint8Array | KeyObject): string | Buffer {
  if (typeof k === 'string') return k;
  if (k instanceof Uint8Array) return Buffer.from(k.buffer, k.byteOffset, k.byteLength);
  return k.export({ format: 'pem', type: 'pkcs8' });
}

/** DER → PEM (Node's TLS accepts PEM for ca/cert; DER only as PEM-wrapped or via X509Certificate). */
export function certToPem(v: string | Uint8Array): string {
  if (typeof v === 'string') return v;
  const b64 = Buffer.from(v).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE-----\n`;
}

/**
 * Builds a TLS context, turning OpenSSL's refusal of a certificate, key, CA or cipher list (Node's own
 * errors, e.g. ERR_OSSL_PEM_NO_START_LINE, ERR_SSL_NO_CIPHER_MATCH, a key that does not match the
 * certificate) into ERR_TLSDSK_CONFIG naming what was being loaded; the OpenSSL code is kept in `tlsCode`.
 * @throws {TlsDskError} ERR_TLSDSK_CONFIG when `build` throws.
 */
export function loadSecureContext<T>(what: string, build: () => T): T {
  try {
    return build();
  } catch (e) {
    const code = (e as { code?: unknown })?.code;
    throw new TlsDskError(
      'ERR_TLSDSK_CONFIG',
      `${what}: expected a certificate, private key, CA certificates and cipher list OpenSSL can load, received one it refused (${typeof code === 'string' ? `${code}: ` : ''}${(e as Error)?.message ?? String(e)})`,
      { securityStatus: SecurityStatus.NoCredentials, cause: e, ...(typeof code === 'string' ? { tlsCode: code } : {}) },
    );
  }
}

export function protocolOptions(protocol: TlsDskProtocol, ciphers?: string) {
  if (protocol !== 'TLSv1' && protocol !== 'TLSv1.2') {
    throw new TlsDskError('ERR_TLSDSK_CONFIG', `protocol: expected 'TLSv1' or 'TLSv1.2', received ${JSON.stringify(protocol)}`, {
      securityStatus: SecurityStatus.Unsupported,
    });
  }
  // OpenSSL 3 refuses TLS 1.0 and SHA-1 signatures above security level 0.
  return { minVersion: protocol, maxVersion: protocol, ciphers: ciphers ?? 'DEFAULT:@SECLEVEL=0' } as const;
}

/** Map a Node/OpenSSL TLS error to the SSPI status an SSPI TLS provider reports for it. */
export function statusForTlsError(err: unknown): number {
  const code = String((err as { code?: unknown })?.code ?? '');
  const msg = String((err as { message?: unknown })?.message ?? '')
    .toUpperCase()
    .replace(/ /g, '_');
  const s = `${code} ${msg}`;
  if (/EXPIRED/.test(s)) return SecurityStatus.CertExpired;
  if (/ALTNAME|HOSTNAME|IP_ADDRESS_MISMATCH/.test(s)) return SecurityStatus.WrongPrincipal;
  if (/UNKNOWN_CA|SELF_SIGNED|UNABLE_TO_GET_ISSUER|UNABLE_TO_VERIFY_LEAF|CERT_UNTRUSTED|DEPTH_ZERO/.test(s)) return SecurityStatus.UntrustedRoot;
  if (
    /BAD_CERTIFICATE|CERTIFICATE_UNKNOWN|CERT_SIGNATURE_FAILURE|BAD_SIGNATURE|UNSUPPORTED_CERTIFICATE|CERTIFICATE_REQUIRED|PEER_DID_NOT_RETURN_A_CERTIFICATE|CERT_REJECTED|INVALID_PURPOSE/.test(
      s,
    )
  )
    return SecurityStatus.CertUnknown;
  if (/BAD_RECORD_MAC|DECRYPT|DIGEST_CHECK|FINISHED|CIPHER_OPERATION_FAILED/.test(s)) return SecurityStatus.MessageAltered;
  if (/UNEXPECTED_MESSAGE|UNEXPECTED_RECORD|CCS_RECEIVED_EARLY/.test(s)) return SecurityStatus.OutOfSequence;
  if (/VERSION|PROTOCOL|NO_SHARED_CIPHER|HANDSHAKE_FAILURE|NO_CIPHERS|NO_SUITABLE/.test(s)) return SecurityStatus.AlgorithmMismatch;
  return SecurityStatus.IllegalMessage;
}

export function tlsCodeOf(err: unknown): string | undefined {
  const c = (err as { code?: unknown })?.code;
  return typeof c === 'string' ? c : undefined;
}
