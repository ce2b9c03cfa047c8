// P_SHA1 for a 32-byte proof key from 32-byte entropies (the WS-Trust case), against its floor: the
// four HMAC-SHA1 computations P_SHA1 must make for 32 bytes (A(1), HMAC(A(1)+seed), A(2),
// HMAC(A(2)+seed)) done directly with node:crypto createHmac, same inputs, same run.
// Target (issue 2): within 1.3x of that floor, i.e. ratio ≥ 1/1.3 ≈ 0.77.
import { createHmac } from 'node:crypto';
import { computedKey, pHash, psha1 } from '../dist/index.js';

export default async function (h) {
  const secret = Buffer.alloc(32, 0x11);
  const seed = Buffer.alloc(32, 0x22);
  const floor = () => {
    const a1 = createHmac('sha1', secret).update(seed).digest();
    createHmac('sha1', secret).update(a1).update(seed).digest();
    const a2 = createHmac('sha1', secret).update(a1).digest();
    createHmac('sha1', secret).update(a2).update(seed).digest();
  };
  const floor256 = () => {
    const a1 = createHmac('sha256', secret).update(seed).digest();
    createHmac('sha256', secret).update(a1).update(seed).digest();
  };
  return [
    await h.compare({
      name: 'psha1 32-byte key (vs its 4 createHmac calls)',
      subject: () => psha1(secret, seed, 32),
      reference: floor,
      referenceName: '4x createHmac',
      target: { atLeast: 1 / 1.3 },
    }),
    await h.compare({
      name: 'computedKey 256-bit (vs 4 createHmac calls)',
      subject: () => computedKey({ requestorEntropy: secret, issuerEntropy: seed }),
      reference: floor,
      referenceName: '4x createHmac',
      target: { atLeast: 1 / 1.3 },
    }),
    await h.compare({
      name: 'pHash sha256 32 bytes (vs its 2 createHmac calls)',
      subject: () => pHash('sha256', secret, seed, 32),
      reference: floor256,
      referenceName: '2x createHmac',
      target: { atLeast: 1 / 1.3 },
    }),
  ];
}
