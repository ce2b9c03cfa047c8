// The public API of "." is what a user needs: no deprecated aliases, duplicates of other packages, or test-grade primitives.
import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';

describe('public API of @ocauth/wstrust', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'AssertionError',
        'InvalidRequestError',
        'InvalidResponseError',
        'MemoryReplayCache',
        'MemoryUserDirectory',
        'NtlmError',
        'SecurityError',
        'SoapFormatError',
        'SoapRequestError',
        'TicketError',
        'URI',
        'WebTicketClient',
        'WebTicketServiceError',
        'WsTrustError',
        'buildAddressingHeaders',
        'buildEnvelope',
        'buildRequestSecurityToken',
        'buildSignedAssertion',
        'compactTicketOfHeader',
        'createNtlmAuthenticator',
        'createTicketVerifier',
        'createWebTicketHandler',
        'discoverFromMetadata',
        'discoverFromResponse',
        'keyNameOf',
        'mintCompactWebTicket',
        'ntHash',
        'ntlmAuthorizer',
        'openCompactWebTicket',
        'parseAssertion',
        'parseCompactTicketResponse',
        'parseEnvelope',
        'parseRequestSecurityToken',
        'parseRequestSecurityTokenResponseCollection',
        'readSoapRequest',
        'signMessage',
        'signWithCertificate',
        'verifyCertificateMessage',
        'verifyMessage',
        'webTicketBindings',
        'wrapKey',
      ].sort(),
    );
  });
  it('none of the removed names is back', () => {
    for (const n of [
      'pSha1',
      'computeProofKey',
      'excC14n',
      'parseXmlDocument',
      'md4',
      'ntowfv2',
      'isoUtc',
      'parseUtc',
      'WEB_TICKET_ERRORS',
      'formatMsDiagnosticsHeader',
      'parseMsDiagnosticsHeader',
      'buildSoapFault',
      'buildFaultEnvelope',
      'parseSpnego',
    ]) {
      expect(n in api, n).toBe(false);
    }
  });
});
