// Test-only barrel: the public API plus the internals the tests exercise directly (not part of "." any more).
export * from '../src/index.js';
export { pSha1, computeProofKey } from '../src/internal/psha1.js';
export { excC14n } from '../src/internal/c14n.js';
export { parseXmlDocument } from '../src/internal/xml.js';
export {
  buildAddressingNoneHeaders,
  claimedSipUri,
  buildRequestSecurityTokenResponse,
  buildRequestSecurityTokenResponseCollection,
  parseRequestSecurityTokenResponse,
  buildCompactTicketResponseCollection,
} from '../src/internal/messages.js';
export { insertSecurity, isoUtc, parseUtc } from '../src/internal/security.js';
export { verifyAssertionSignature, unwrapKey, certificateThumbprintSha1 } from '../src/internal/saml.js';
export { parseWebTicketHeaderValue, formatWebTicketHeaderValue } from '../src/internal/verifier.js';
export { deriveCompactTicketKey, formatCompactWebTicketHeaderValue, CWT_VERSION, CWT_MAX_LENGTH } from '../src/internal/cwt.js';
export { usernameTokenCandidates, decodeBase64Text } from '../src/internal/directory.js';
export { WEB_TICKET_ERRORS, formatMsDiagnosticsHeader, parseMsDiagnosticsHeader } from '../src/internal/catalog.js';
export { buildSoapFault } from '../src/internal/faults.js';
export { buildWsdl, buildFaultEnvelope } from '../src/internal/metadata.js';
export { md4, ntowfv2, ntlmNegotiateMessage, parseNtlmChallenge, ntlmAuthenticateMessage, ntlmv2Responses } from '../src/internal/ntlm.js';
export { buildNtlmChallenge, parseNtlmAuthenticate, parseNtlmNegotiate, parseAvPairs, ntlmAccountNames, NTLMSSP, MSV_AV } from '../src/internal/ntlm-server.js';
export { parseSpnego, buildNegTokenResp, buildNegTokenInit } from '../src/internal/spnego.js';
export { NS } from '@ocauth/diagnostics';
export { excC14nWithout } from '../src/internal/c14n.js';
