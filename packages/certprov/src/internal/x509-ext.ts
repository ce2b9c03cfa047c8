// Reading certificate extensions node:crypto's X509Certificate does not expose (SKI).
import forge from 'node-forge';

const { asn1 } = forge;

/** The SubjectKeyIdentifier (2.5.29.14) key id bytes of a DER certificate, or undefined if absent/malformed. */
export function subjectKeyIdentifier(der: Uint8Array): Uint8Array | undefined {
  try {
    const cert = asn1.fromDer(Buffer.from(der).toString('binary'));
    const tbs = (cert.value as forge.asn1.Asn1[])[0]!;
    for (const part of tbs.value as forge.asn1.Asn1[]) {
      if (part.tagClass !== asn1.Class.CONTEXT_SPECIFIC || part.type !== 3) continue;
      const exts = (part.value as forge.asn1.Asn1[])[0]!;
      for (const ext of exts.value as forge.asn1.Asn1[]) {
        const parts = ext.value as forge.asn1.Asn1[];
        if (asn1.derToOid(parts[0]!.value as string) !== '2.5.29.14') continue;
        const outer = parts[parts.length - 1]!;
        const inner = typeof outer.value === 'string' ? asn1.fromDer(outer.value) : (outer.value as forge.asn1.Asn1[])[0]!;
        return new Uint8Array(Buffer.from(inner.value as string, 'binary'));
      }
    }
  } catch {
    return undefined;
  }
  return undefined;
}
