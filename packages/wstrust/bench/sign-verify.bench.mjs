// Proof of possession with a web ticket, per request: signMessage (Timestamp + token + HMAC signature
// into wsse:Security) then verifyMessage (parse, exclusive c14n, digest, HMAC, timestamp checks), against
// xml-crypto 6 doing the same work in the same run: HMAC-SHA1 signature over the same wsu:Timestamp
// (exclusive c14n, SHA-1 digest, ticket in the header) and its verification. Target: ratio > 1.
import { createRequire } from 'node:module';
import { DOMParser } from '@xmldom/xmldom';
import { NS } from '@ocauth/diagnostics';
import { buildAddressingHeaders, buildEnvelope, signMessage, verifyMessage, URI } from '../dist/index.js';

const require = createRequire(new URL('../../../package.json', import.meta.url));
const { SignedXml } = require('xml-crypto');

export default async function (h) {
  const key = Buffer.alloc(32, 7);
  const assertionId = 'SamlSecurityToken-7e62744e-bb8b-4f79-a4c8-623c866adf8c';
  // A ticket-sized token (the 4.2.2 assertion shape, ~2.5 KB).
  const token = `<saml:Assertion MajorVersion="1" MinorVersion="1" AssertionID="${assertionId}" Issuer="https://pool0.example.com/WebTicket/WebTicketService.svc" IssueInstant="2026-01-01T00:00:00.000Z" xmlns:saml="${NS.saml}"><saml:Conditions NotBefore="2026-01-01T00:00:00.000Z" NotOnOrAfter="2026-01-01T08:00:00.000Z"><saml:AudienceRestrictionCondition><saml:Audience>https://pool0.example.com/</saml:Audience></saml:AudienceRestrictionCondition></saml:Conditions><saml:AuthenticationStatement AuthenticationMethod="${URI.authMethodUnspecified}" AuthenticationInstant="2026-01-01T00:00:00.000Z"><saml:Subject><saml:NameIdentifier Format="${URI.claimTypeUri}">sip:alice@example.com</saml:NameIdentifier><saml:SubjectConfirmation><saml:ConfirmationMethod>${URI.holderOfKey}</saml:ConfirmationMethod></saml:SubjectConfirmation></saml:Subject></saml:AuthenticationStatement><Signature xmlns="${NS.ds}"><SignatureValue>${'A'.repeat(344)}</SignatureValue></Signature></saml:Assertion>`;
  const envelope = buildEnvelope({
    headers: buildAddressingHeaders({ action: 'http://tempuri.org/IService/Op', to: 'https://pool0.example.com/svc', messageId: 'urn:uuid:1' }),
    body: '<Op xmlns="http://tempuri.org/"><x>42</x></Op>',
  });
  const now = new Date('2026-01-01T00:00:10.000Z');

  // Reference input: the same envelope with the same Timestamp and token, signed by xml-crypto.
  const ts = `<u:Timestamp xmlns:u="${NS.wsu}" u:Id="_0"><u:Created>2026-01-01T00:00:10.000Z</u:Created><u:Expires>2026-01-01T00:05:10.000Z</u:Expires></u:Timestamp>`;
  const unsignedRef = envelope.replace('<s:Header>', `<s:Header><o:Security xmlns:o="${NS.wsse}">${ts}${token}</o:Security>`);
  const xcSign = () => {
    const sig = new SignedXml({ privateKey: key, canonicalizationAlgorithm: URI.excC14n });
    sig.enableHMAC();
    sig.signatureAlgorithm = URI.hmacSha1;
    sig.addReference({ xpath: "//*[local-name(.)='Timestamp']", digestAlgorithm: URI.sha1, transforms: [URI.excC14n] });
    sig.computeSignature(unsignedRef, { location: { reference: "//*[local-name(.)='Security']", action: 'append' } });
    return sig.getSignedXml();
  };
  const xcVerify = (xml) => {
    const doc = new DOMParser().parseFromString(xml, 'text/xml');
    const s = doc.getElementsByTagNameNS(NS.ds, 'Signature');
    const sig = new SignedXml({ publicCert: key });
    sig.enableHMAC();
    sig.loadSignature(s[s.length - 1]);
    if (!sig.checkSignature(xml)) throw new Error('xml-crypto: verify failed');
  };
  const ours = () => {
    const signed = signMessage({ envelope, proofKey: key, assertionId, token, now });
    verifyMessage(signed, { now, resolveKey: () => key });
  };
  // Sanity: both sides really sign and verify.
  ours();
  xcVerify(xcSign());

  return [
    await h.compare({
      name: 'sign + verify a ticket-bearing request (HMAC-SHA1 over wsu:Timestamp, exc-c14n)',
      subject: ours,
      reference: () => xcVerify(xcSign()),
      referenceName: 'xml-crypto 6 sign + verify',
      target: { atLeast: 1 },
    }),
    await h.compare({
      name: 'sign only',
      subject: () => signMessage({ envelope, proofKey: key, assertionId, token, now }),
      reference: xcSign,
      referenceName: 'xml-crypto 6 sign',
    }),
  ];
}
