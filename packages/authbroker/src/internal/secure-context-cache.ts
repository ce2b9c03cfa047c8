// A small cache of Node TLS SecureContexts per credential, so each TLS-DSK leg does not reload the same key.
import { KeyObject } from 'node:crypto';
import type tls from 'node:tls';

type KeyMaterial = string | Uint8Array | KeyObject;

interface Entry {
  key: KeyMaterial;
  context: tls.SecureContext;
}

const MAX_ENTRIES = 64;
const cache = new Map<string, Entry>();

function sameKey(a: KeyMaterial, b: KeyMaterial): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (a instanceof KeyObject || b instanceof KeyObject) return a instanceof KeyObject && b instanceof KeyObject && a.equals(b);
  return Buffer.from(a).equals(Buffer.from(b));
}

/**
 * Parsing a private key and building an OpenSSL context costs about as much as a TLS handshake's
 * RSA operations, so contexts are reused across handshakes with the same certificate, key and
 * settings (a small LRU; the key itself is compared, never hashed into a cache key or logged).
 */
export function cachedSecureContext(id: string, key: KeyMaterial, build: () => tls.SecureContext): tls.SecureContext {
  const hit = cache.get(id);
  if (hit && sameKey(hit.key, key)) {
    cache.delete(id);
    cache.set(id, hit);
    return hit.context;
  }
  const context = build();
  cache.delete(id);
  cache.set(id, { key, context });
  while (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  return context;
}
