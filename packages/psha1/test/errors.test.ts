// Bad input gets a typed error that names the field and never echoes key material.
import { describe, expect, test } from 'vitest';
import { computedKey, computedKeySizeBits, MAX_OUTPUT_BYTES, pHash, psha1, Psha1Error } from '@ocauth/psha1';

function caught(fn: () => unknown): Psha1Error {
  try {
    fn();
  } catch (e) {
    if (e instanceof Psha1Error) return e;
    throw e;
  }
  throw new Error('expected a Psha1Error');
}
const k = new Uint8Array(32).fill(0xab);

describe('psha1 input validation', () => {
  test.each([
    [
      'string secret',
      () => psha1('secret' as unknown as Uint8Array, k, 32),
      'ERR_PSHA1_INVALID_BYTES',
      'secret',
      /secret must be a Uint8Array.*received a string of length 6/,
    ],
    ['array seed', () => psha1(k, [1, 2] as unknown as Uint8Array, 32), 'ERR_PSHA1_INVALID_BYTES', 'seed', /received an array of length 2/],
    ['ArrayBuffer secret', () => psha1(new ArrayBuffer(4) as unknown as Uint8Array, k, 32), 'ERR_PSHA1_INVALID_BYTES', 'secret', /instance of ArrayBuffer/],
    ['null seed', () => psha1(k, null as unknown as Uint8Array, 32), 'ERR_PSHA1_INVALID_BYTES', 'seed', /received null/],
    ['empty seed', () => psha1(k, new Uint8Array(0), 32), 'ERR_PSHA1_EMPTY_SEED', 'seed', /seed must not be empty/],
    ['negative length', () => psha1(k, k, -1), 'ERR_PSHA1_INVALID_LENGTH', 'length', /received the number -1/],
    ['NaN length', () => psha1(k, k, Number.NaN), 'ERR_PSHA1_INVALID_LENGTH', 'length', /received NaN/],
    ['string length', () => psha1(k, k, '32' as unknown as number), 'ERR_PSHA1_INVALID_LENGTH', 'length', /received a string/],
    ['absurd length', () => psha1(k, k, MAX_OUTPUT_BYTES + 1), 'ERR_PSHA1_INVALID_LENGTH', 'length', /from 0 to 65536/],
    ['Infinity', () => psha1(k, k, Infinity), 'ERR_PSHA1_INVALID_LENGTH', 'length', /Infinity/],
    ['unknown hash', () => pHash('md5' as never, k, k, 16), 'ERR_PSHA1_INVALID_HASH', 'hash', /one of sha1, sha256, sha384, sha512; received "md5"/],
    ['prototype hash name', () => pHash('constructor' as never, k, k, 16), 'ERR_PSHA1_INVALID_HASH', 'hash', /received "constructor"/],
  ])('%s', (_name, fn, code, field, message) => {
    const e = caught(fn);
    expect(e.code).toBe(code);
    expect(e.field).toBe(field);
    expect(e.message).toMatch(message);
    expect(e).toBeInstanceOf(Error);
  });

  test('errors never contain key material', () => {
    const secret = Buffer.from('5345435245542d4b45592d4d4154455249414c', 'hex'); // "SECRET-KEY-MATERIAL"
    for (const fn of [
      () => psha1(secret, new Uint8Array(0), 32),
      () => psha1(secret, secret, -5),
      () => computedKey({ requestorEntropy: secret, issuerEntropy: secret, keySizeBits: 7 }),
    ]) {
      const e = caught(fn);
      expect(e.message).not.toContain('SECRET');
      expect(e.message).not.toContain(secret.toString('hex'));
      expect(e.message).not.toContain(secret.toString('base64'));
    }
  });

  test('Buffer and Uint8Array subarrays are accepted and honour their offsets', () => {
    const big = Buffer.alloc(64, 1);
    big.fill(2, 32);
    expect(Buffer.from(psha1(big.subarray(32), big.subarray(0, 32), 32))).toEqual(
      Buffer.from(psha1(new Uint8Array(32).fill(2), new Uint8Array(32).fill(1), 32)),
    );
  });
});

describe('computedKey', () => {
  test('key size: RSTR, else RST, else 256 bits', () => {
    expect(computedKeySizeBits({})).toBe(256);
    expect(computedKeySizeBits({ requestKeySizeBits: 128 })).toBe(128);
    expect(computedKeySizeBits({ keySizeBits: 512, requestKeySizeBits: 128 })).toBe(512);
    expect(computedKey({ requestorEntropy: k, issuerEntropy: k }).length).toBe(32);
  });
  test('is P_SHA1(requestor, issuer), not the other way round', () => {
    const r = new Uint8Array(32).fill(1),
      i = new Uint8Array(32).fill(2);
    expect(Buffer.from(computedKey({ requestorEntropy: r, issuerEntropy: i }))).toEqual(Buffer.from(psha1(r, i, 32)));
    expect(Buffer.from(computedKey({ requestorEntropy: r, issuerEntropy: i }))).not.toEqual(Buffer.from(psha1(i, r, 32)));
  });
  test.each([
    [{ requestorEntropy: k, issuerEntropy: k, keySizeBits: 255 }, 'ERR_PSHA1_INVALID_KEY_SIZE', 'keySizeBits'],
    [{ requestorEntropy: k, issuerEntropy: k, keySizeBits: -256 }, 'ERR_PSHA1_INVALID_KEY_SIZE', 'keySizeBits'],
    [{ requestorEntropy: k, issuerEntropy: k, requestKeySizeBits: 16384 }, 'ERR_PSHA1_INVALID_KEY_SIZE', 'requestKeySizeBits'],
    [{ requestorEntropy: new Uint8Array(0), issuerEntropy: k }, 'ERR_PSHA1_EMPTY_ENTROPY', 'requestorEntropy'],
    [{ requestorEntropy: k, issuerEntropy: 'abc' }, 'ERR_PSHA1_INVALID_BYTES', 'issuerEntropy'],
  ])('rejects %o', (input, code, field) => {
    const e = caught(() => computedKey(input as never));
    expect(e.code).toBe(code);
    expect(e.field).toBe(field);
  });
  test('rejects a non-object', () => {
    expect(caught(() => computedKey(undefined as never)).code).toBe('ERR_PSHA1_INVALID_BYTES');
  });
});
