// A small cache of Node TLS SecureContexts per credential, so each TLS-DSK leg does not reload the same key.
import { KeyObject } from 'node:crypto';
import type tls from 'node:tls';

type KeyMaterial = string | Uint8Array | KeyObject;

interface Entry {
  key: KeyMaterial;
  context: tls.SecureContext;
}

/** One level of the cache: the next part of the id, and the entry whose id ends here. */
interface Level {
  next: Map<string, Level>;
  entry?: Entry;
}

const MAX_ENTRIES = 64;
let root: Level = { next: new Map() };
let entries = 0;

function sameKey(a: KeyMaterial, b: KeyMaterial): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (a instanceof KeyObject || b instanceof KeyObject) return a instanceof KeyObject && b instanceof KeyObject && a.equals(b);
  return Buffer.from(a).equals(Buffer.from(b));
}

/**
 * Parsing a private key and building an OpenSSL context costs about as much as a TLS handshake's
 * RSA operations, so contexts are reused across handshakes with the same certificate, key and
 * settings (the key itself is compared, never hashed into a cache key or logged).
 *
 * The id is a list of parts (settings, then each PEM certificate and trust anchor as the caller holds
 * it), walked one Map level per part: the caller's own strings are the keys, so V8 hashes each once and
 * a lookup never joins kilobytes of PEM into a fresh string to hash again (~10 µs a handshake). Past
 * 64 contexts the cache starts over.
 */
export function cachedSecureContext(id: readonly string[], key: KeyMaterial, build: () => tls.SecureContext): tls.SecureContext {
  let level = root;
  for (const part of id) {
    let next = level.next.get(part);
    if (!next) level.next.set(part, (next = { next: new Map() }));
    level = next;
  }
  const hit = level.entry;
  if (hit && sameKey(hit.key, key)) return hit.context;
  const context = build();
  if (!hit && ++entries > MAX_ENTRIES) {
    root = { next: new Map() };
    entries = 0;
    return cachedSecureContext(id, key, () => context);
  }
  level.entry = { key, context };
  return context;
}
