// PINs and passwords are stored as salted scrypt hashes (never in clear), compared in constant time.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const N = 8192, R = 8, P = 1, LEN = 32;

function derive(secret: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(secret.normalize('NFC'), salt, LEN, { N: n, r, p, maxmem: 256 * n * r }, (e, k) => (e ? reject(e) : resolve(k))));
}

/** `scrypt$N$r$p$salt$hash` (base64). */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const k = await derive(secret, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${k.toString('base64')}`;
}

export async function verifySecret(secret: string, stored: string | null | undefined): Promise<boolean> {
  if (!stored) return false;
  const [alg, n, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !salt || !hash || !/^\d+$/.test(n ?? '') || Number(n) > 1 << 20) return false;
  const expected = Buffer.from(hash, 'base64');
  const k = await derive(secret, Buffer.from(salt, 'base64'), Number(n), Number(r), Number(p));
  return k.length === expected.length && timingSafeEqual(k, expected);
}
