// MS-OCAUTHWS 3.1.4.1.2.3 (3) checkCsr: the PKCS#10 request of the BinarySecurityToken, its key and its requested EKU.
import { OID_ANY_EXTENDED_KEY_USAGE, OID_KP_CLIENT_AUTH, parseCsr, rsaPublicKeyProblem, type ParsedCsr } from '../csr.js';
import type { CertProvPolicy, CertProvTestFaults } from '../handler-options.js';
import { Refusal } from './respond.js';

/**
 * The parsed CSR, or InvalidCSR (DER, structure, self-signature), InvalidPublicKey (not RSA, outside the
 * policy's bits, or a weak RSA key) or InvalidEKU (a requested EKU without client authentication).
 */
export function checkCsr(csrDer: Uint8Array, policy: Required<CertProvPolicy>, faults: CertProvTestFaults = {}): ParsedCsr {
  let csr: ParsedCsr;
  try {
    csr = parseCsr(csrDer);
  } catch (e) {
    throw new Refusal('InvalidCSR', (e as Error).message, { cause: e });
  }
  // The key is judged before the signature: a modulus above OpenSSL's 16384-bit limit cannot be
  // verified at all, and the useful answer for it is InvalidPublicKey, not InvalidCSR.
  const rsa = csr.publicKey.asymmetricKeyType === 'rsa';
  if (rsa || !faults.acceptNonRsaKeys) {
    if (!rsa || csr.keySizeBits === undefined || csr.keySizeBits < policy.minKeySizeBits || csr.keySizeBits > policy.maxKeySizeBits)
      throw new Refusal(
        'InvalidPublicKey',
        `CSR public key: expected RSA of ${policy.minKeySizeBits}..${policy.maxKeySizeBits} bits, received ${csr.publicKey.asymmetricKeyType} ${csr.keySizeBits ?? '?'} bits`,
      );
    const keyProblem = rsaPublicKeyProblem(csr.publicKey);
    if (keyProblem && !faults.acceptWeakRsaKeys) throw new Refusal('InvalidPublicKey', `CSR public key: ${keyProblem}`);
  }
  if (!csr.signatureValid) throw new Refusal('InvalidCSR', 'CSR: expected a valid self-signature, received one that does not verify');
  // The CSR's own subject is not constrained (the spec's 4.1 example CSR says CN=test@test.com for
  // Entity alice@contoso.com); the issued certificate's CN is the Entity (3.1.4.1.2.4 (5)).
  // A requested EKU must allow client authentication: the certificate exists for TLS client auth.
  if (
    csr.extendedKeyUsage !== undefined &&
    !faults.ignoreRequestedEku &&
    !csr.extendedKeyUsage.includes(OID_KP_CLIENT_AUTH) &&
    !csr.extendedKeyUsage.includes(OID_ANY_EXTENDED_KEY_USAGE)
  )
    throw new Refusal(
      'InvalidEKU',
      `CSR extendedKeyUsage: expected clientAuth (${OID_KP_CLIENT_AUTH}), received ${csr.extendedKeyUsage.join(', ') || 'an empty list'}`,
    );
  return csr;
}
