import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildAuthBrokerRequest, buildAuthBrokerResponse, parseAuthBrokerRequest, parseAuthBrokerResponse, type AuthBrokerOperation } from '@ocauth/authbroker';
import { SecurityStatus } from '@ocauth/diagnostics';
import { HASH_DIGEST_BYTES } from '../src/internal/hash-algorithm.js';
import { hasTool, runTool } from '../../../testing/tools.js';
import { hasChangeCipherSpecAndFinished, scanRecords } from '../src/internal/tls-records.js';
// @ts-expect-error plain .mjs script without types
import { EXAMPLES, extractAll } from '../scripts/extract-spec-examples.mjs';

const dir = fileURLToPath(new URL('../../../vectors/spec/', import.meta.url));
const SPEC = fileURLToPath(new URL('../../../vectors/spec/MS-OCAUTHWS.txt', import.meta.url));
const read = (f: string) => readFileSync(dir + f, 'utf8');
const files = (EXAMPLES as { file: string }[]).map((e) => e.file);

/** The saml:Assertion exactly as it stands in the example (the ticket is opaque to the broker). */
function rawTicket(xml: string): string {
  const a = xml.indexOf('<saml:Assertion');
  const b = xml.indexOf('</saml:Assertion>') + '</saml:Assertion>'.length;
  return xml.slice(a, b);
}

describe('MS-OCAUTHWS 4.3–4.6 examples (vectors/spec)', () => {
  it('the committed files are what the documented extraction produces from the spec text', () => {
    if (!existsSync(SPEC)) return expect.soft(existsSync(SPEC), `${SPEC} not present: provenance not re-checked`).toBe(false);
    for (const ex of extractAll(readFileSync(SPEC, 'utf8')) as { file: string; xml: string }[]) {
      expect(read(ex.file), `${ex.file} differs from the extraction`).toBe(ex.xml);
    }
  });

  it('every example is well-formed for libxml2 (xmllint)', (ctx) => {
    if (!hasTool('xmllint')) return ctx.skip('xmllint is not on PATH (under CI hasTool throws instead)');
    for (const f of files) expect(() => runTool('xmllint', ['--noout', dir + f]), f).not.toThrow();
  });

  const requests: [string, AuthBrokerOperation, Record<string, unknown>, string][] = [
    [
      '4.3-create-auth-broker-session-request.xml',
      'CreateAuthBrokerSession',
      { supportedHashAlgorithms: ['SHA1', 'SHA256', 'SHA384', 'SHA512'] },
      'urn:uuid:70de6ed0-5279-44db-956a-84109a5a1a95',
    ],
    [
      '4.4-terminate-auth-broker-session-request.xml',
      'TerminateAuthBrokerSession',
      { sessionId: '79b37b28-26e4-49e0-9df1-2aed7f5c4f2a' },
      'urn:uuid:13cd6f39-7fb9-4421-9951-5bf76f0f3547',
    ],
    [
      '4.5-auth-broker-acquire-credential-request.xml',
      'AuthBrokerAcquireCredential',
      { sessionId: '79b37b28-26e4-49e0-9df1-2aed7f5c4f2a', sipInstance: '71F297D2-197D-545B-AA97-5701F5B5134D' },
      'urn:uuid:8cabe6b3-10e1-437f-adf1-208d0231064e',
    ],
    [
      '4.6-auth-broker-negotiate-security-association-request.xml',
      'AuthBrokerNegotiateSecurityAssociation',
      {
        sessionId: '79b37b28-26e4-49e0-9df1-2aed7f5c4f2a',
        target: 'BL20D10FES04.infra.contoso.com',
        input: 'FAMBAAEBFgMBADBxqAqgMz9dAI0ZtLJvdysDoulaCffjoRMdVBfwnTApHJpEYtCFkoLS/abLg1eJvbc=',
      },
      'urn:uuid:3e89dde2-fa4f-4246-b965-07b0c453b5a2',
    ],
  ];
  for (const [file, op, body, messageId] of requests) {
    it(`${file}: parses to the known answer and rebuilds byte for byte`, () => {
      const xml = read(file);
      const p = parseAuthBrokerRequest(xml);
      expect(p.operation).toBe(op);
      expect(p.body).toEqual(body);
      expect(p.messageId).toBe(messageId);
      expect(p.to).toBe('https://webpoolbl20d10.infra.contoso.com/Reach/Sip.svc/AuthBroker');
      expect(p.security?.localName).toBe('Security');
      const ts = p.document.getElementsByTagName('Created')[0]!.textContent!;
      const te = p.document.getElementsByTagName('Expires')[0]!.textContent!;
      const rebuilt = buildAuthBrokerRequest(
        op,
        body as never,
        { messageId, to: p.to!, timestamp: { created: ts, expires: te }, webTicket: rawTicket(xml) },
        { indent: true },
      );
      expect(rebuilt).toBe(xml);
      // And the compact form carries the same message.
      const compact = buildAuthBrokerRequest(op, body as never, { messageId, to: p.to!, webTicket: rawTicket(xml) });
      expect(parseAuthBrokerRequest(compact).body).toEqual(body);
    });
  }

  const responses: [string, AuthBrokerOperation, Record<string, unknown>, string][] = [
    [
      '4.3-create-auth-broker-session-response.xml',
      'CreateAuthBrokerSession',
      { hashAlgorithm: 'SHA1', sessionId: '79b37b28-26e4-49e0-9df1-2aed7f5c4f2a' },
      'urn:uuid:70de6ed0-5279-44db-956a-84109a5a1a95',
    ],
    ['4.4-terminate-auth-broker-session-response.xml', 'TerminateAuthBrokerSession', {}, 'urn:uuid:13cd6f39-7fb9-4421-9951-5bf76f0f3547'],
    ['4.5-auth-broker-acquire-credential-response.xml', 'AuthBrokerAcquireCredential', { result: 9898 }, 'urn:uuid:8cabe6b3-10e1-437f-adf1-208d0231064e'],
    [
      '4.6-auth-broker-negotiate-security-association-response.xml',
      'AuthBrokerNegotiateSecurityAssociation',
      {
        outString: '',
        securityStatus: 0,
        maxSignature: 20,
        clientSigningKey: 'xCl4+dGsjmcx9YNQp7JXryLGQc0vpieoWUolJ4Mc+IY=',
        serverSigningKey: 'HPIGUkkObg7/fxq+vlF66ks2bwTZahh3t1DHiz/56b0=',
      },
      'urn:uuid:3e89dde2-fa4f-4246-b965-07b0c453b5a2',
    ],
  ];
  for (const [file, op, body, relatesTo] of responses) {
    it(`${file}: parses to the known answer and rebuilds byte for byte`, () => {
      const xml = read(file);
      const p = parseAuthBrokerResponse(xml, op);
      expect(p.body).toEqual(body);
      expect(p.relatesTo).toBe(relatesTo);
      expect(buildAuthBrokerResponse(op, body as never, { relatesTo }, { indent: true })).toBe(xml);
    });
  }

  it('4.6: the request input is a TLS 1.0 change_cipher_spec + encrypted Finished (the third leg); the response is OK with SHA-1 sized signatures', () => {
    const req = parseAuthBrokerRequest(read('4.6-auth-broker-negotiate-security-association-request.xml'));
    const input = Buffer.from((req.body as { input: string }).input, 'base64');
    const { records, trailing } = scanRecords(input);
    expect(trailing).toBe(0);
    expect(records.map((r) => [r.contentType, r.version.toString(16), r.fragment.length])).toEqual([
      [20, '301', 1],
      [22, '301', 48],
    ]);
    expect(hasChangeCipherSpecAndFinished(records)).toBe(true);
    const res = parseAuthBrokerResponse(read('4.6-auth-broker-negotiate-security-association-response.xml'), 'AuthBrokerNegotiateSecurityAssociation');
    // Departure pinned: the 3.3.4.4.3.3 table names 0x00090312 "OK"; the example (and SSPI) use 0.
    expect(res.body.securityStatus).toBe(SecurityStatus.OK);
    expect(res.body.maxSignature).toBe(HASH_DIGEST_BYTES.SHA1);
    expect(Buffer.from(res.body.clientSigningKey!, 'base64')).toHaveLength(32);
    expect(Buffer.from(res.body.serverSigningKey!, 'base64')).toHaveLength(32);
  });

  it('namespace URIs rejoined across PDF line wraps are the schema URIs', () => {
    const xml = read('4.3-create-auth-broker-session-request.xml');
    expect(xml).toContain('xmlns:o="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"');
    expect(xml).toContain('<Timestamp xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">');
    const sig = /<SignatureValue>([^<]+)</.exec(xml)![1]!;
    expect(Buffer.from(sig, 'base64')).toHaveLength(256);
  });
});
