/**
 * Fetch the certificate chain a TLS server presents (for `checkServerCertificate`), the way a doctor
 * command inspects a pool's web or registrar endpoint. The connection never trusts or sends anything:
 * `rejectUnauthorized: false` only to read the chain, which `checkServerCertificate` then judges.
 */
import { X509Certificate } from 'node:crypto';
import { connect, type PeerCertificate, type DetailedPeerCertificate } from 'node:tls';
import { DiagnosticsError } from './errors.js';

export interface ServerCertificateChainOptions {
  host: string;
  port: number;
  /** SNI name (default: host when it is a DNS name). */
  servername?: string;
  /** Give up after this many milliseconds (default 10000). */
  timeoutMs?: number;
}

/**
 * The chain as served, leaf first (self-signed anchors included when the server sends them). Rejects with
 * DiagnosticsError `ERR_DIAGNOSTICS_INPUT` for bad options and the socket error (with host:port) otherwise.
 *
 * @throws {DiagnosticsError} ERR_DIAGNOSTICS_INPUT (as a rejection) for bad options, no handshake within the
 * @throws timeout, or a failed TLS connection (the socket error as `cause`).
 */
export function getServerCertificateChain(o: ServerCertificateChainOptions): Promise<X509Certificate[]> {
  if (typeof o !== 'object' || o === null || typeof o.host !== 'string' || o.host === '' || !Number.isInteger(o.port) || o.port < 1 || o.port > 65535) {
    return Promise.reject(
      new DiagnosticsError(
        'ERR_DIAGNOSTICS_INPUT',
        `getServerCertificateChain: expected { host, port (1-65535) }, received ${JSON.stringify(o)?.slice(0, 80)}`,
      ),
    );
  }
  const servername = o.servername ?? (/^[\d.]+$|:/.test(o.host) ? undefined : o.host);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: o.host, port: o.port, ...(servername ? { servername } : {}), rejectUnauthorized: false, minVersion: 'TLSv1' });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new DiagnosticsError(
          'ERR_DIAGNOSTICS_INPUT',
          `getServerCertificateChain: no TLS handshake with ${o.host}:${o.port} within ${o.timeoutMs ?? 10_000} ms`,
        ),
      );
    }, o.timeoutMs ?? 10_000);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const chain: X509Certificate[] = [];
      let c: PeerCertificate | DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
      const seen = new Set<string>();
      while (c && c.raw && !seen.has(c.fingerprint256) && chain.length < 16) {
        seen.add(c.fingerprint256);
        chain.push(new X509Certificate(c.raw));
        c = (c as DetailedPeerCertificate).issuerCertificate;
      }
      socket.end();
      resolve(chain);
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(
        new DiagnosticsError('ERR_DIAGNOSTICS_INPUT', `getServerCertificateChain: TLS connection to ${o.host}:${o.port} failed: ${e.message}`, { cause: e }),
      );
    });
  });
}
