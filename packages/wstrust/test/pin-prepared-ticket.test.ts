// Pin binding: the ticket is prepared while the directory checks the PIN (SignInHooks.onCandidate, issue 20);
// the verdict alone decides what is sent, and refusals keep the pipeline's order.
import { describe, expect, it } from 'vitest';
import {
  URI,
  buildEnvelope,
  buildAddressingHeaders,
  buildRequestSecurityToken,
  parseEnvelope,
  parseRequestSecurityTokenResponseCollection,
  parseAssertion,
  type DirectoryUser,
  type RequestSecurityToken,
  type SignInHooks,
  type UserDirectory,
} from './internals.js';
import { makeHandler, SERVICE } from './support.js';

const ALICE: DirectoryUser = { sipUri: 'sip:alice@example.com', enabled: true };
const CAROL: DirectoryUser = { sipUri: 'sip:carol@example.com', enabled: true };
const rst = (o: Partial<RequestSecurityToken> = {}): RequestSecurityToken => ({
  Context: '2fdf3b92-4341-4eeb-b898-44ef4994cd55',
  TokenType: URI.tokenTypeSaml11,
  RequestType: URI.requestTypeIssue,
  AppliesTo: 'https://pool0.example.com/CertProv/CertProvisioningService.svc',
  Entropy: new Uint8Array(32).fill(7),
  KeyType: URI.keyTypeSymmetric,
  ...o,
});
const envelope = (r = rst()) =>
  buildEnvelope({ headers: buildAddressingHeaders({ action: URI.actionRstIssue, messageId: 'urn:uuid:1', to: SERVICE }), body: buildRequestSecurityToken(r) });
const pinRequest = (body: string) =>
  new Request(SERVICE + '/Pin', {
    method: 'POST',
    body,
    headers: { 'content-type': 'text/xml; charset=utf-8', authorization: 'Basic ' + Buffer.from('+15551234:12345').toString('base64') },
  });

/**
 * A directory that names `candidate` while its "KDF" runs, then answers `verdict` after 25 ms of a clock that the
 * handler also reads: a ticket issued after the verdict carries the later instant.
 */
function slowDirectory(candidate: DirectoryUser | undefined, verdict: DirectoryUser | null) {
  let now = new Date('2026-03-01T10:00:00.000Z');
  const calls = { verifyPin: 0 };
  const dir: UserDirectory = {
    findUserBySipUri: async () => null,
    verifyPassword: async () => null,
    async verifyPin(_i: string, _p: string, hooks?: SignInHooks) {
      calls.verifyPin++;
      await new Promise((r) => setTimeout(r, 5));
      if (candidate) hooks?.onCandidate?.(candidate);
      await new Promise((r) => setTimeout(r, 25));
      now = new Date(now.getTime() + 60_000); // the verdict comes a minute "later" on the handler's clock
      return verdict;
    },
  };
  return { dir, calls, clock: () => now };
}

async function ticketOf(res: Response) {
  expect(res.status, await res.clone().text()).toBe(200);
  const [r] = parseRequestSecurityTokenResponseCollection(parseEnvelope(await res.text()).payload!);
  return parseAssertion(r!.assertionElement);
}

describe('Pin binding: ticket prepared during the PIN check', () => {
  it('the ticket of the named user is built before the verdict and sent when the verdict is that user', async () => {
    const s = slowDirectory(ALICE, ALICE);
    const res = await makeHandler(s.clock, { userDirectory: s.dir })(pinRequest(envelope()));
    const a = await ticketOf(res);
    expect(a.SipUri).toBe(ALICE.sipUri);
    // Built while the check ran: the instant before the verdict (red when the ticket is issued only after it).
    expect(a.IssueInstant.toISOString()).toBe('2026-03-01T10:00:00.000Z');
  });

  it('a verdict of another user gets that user a ticket issued after the verdict; the prepared one is never sent', async () => {
    const s = slowDirectory(CAROL, ALICE);
    const a = await ticketOf(await makeHandler(s.clock, { userDirectory: s.dir })(pinRequest(envelope())));
    expect(a.SipUri).toBe(ALICE.sipUri);
    expect(a.IssueInstant.toISOString()).toBe('2026-03-01T10:01:00.000Z');
  });

  it('a refused PIN is refused although a ticket was prepared', async () => {
    const s = slowDirectory(ALICE, null);
    const res = await makeHandler(s.clock, { userDirectory: s.dir })(pinRequest(envelope()));
    expect(res.status).toBe(401);
    expect(res.headers.get('x-ms-diagnostics')).toMatch(/^28024;/);
    expect(await res.text()).toBe('');
  });

  it('a disabled user is refused (28000) although a ticket was prepared for it', async () => {
    const s = slowDirectory(ALICE, { ...ALICE, enabled: false });
    const res = await makeHandler(s.clock, { userDirectory: s.dir })(pinRequest(envelope()));
    expect(res.status).toBe(403);
    expect(res.headers.get('x-ms-diagnostics')).toMatch(/^28000;/);
  });

  it('a claim naming another SIP URI is refused (28035) although the prepared ticket matched the verdict', async () => {
    const claims = rst({ Claims: { Dialect: URI.claimsDialect, ClaimTypes: [{ Uri: URI.claimTypeUri, Value: 'sip:mallory@example.com' }] } });
    const s = slowDirectory(ALICE, ALICE);
    const res = await makeHandler(s.clock, { userDirectory: s.dir })(pinRequest(envelope(claims)));
    expect(res.status).toBe(500);
    expect(res.headers.get('x-ms-diagnostics')).toMatch(/^28035;/);
  });

  it('refusals keep their order: an unreadable envelope is answered as such, a bad AppliesTo after a wrong PIN', async () => {
    const s1 = slowDirectory(ALICE, ALICE);
    const bad = await makeHandler(s1.clock, { userDirectory: s1.dir })(pinRequest('<s:Envelope'));
    expect(bad.status).toBe(500);
    expect(await bad.text()).toMatch(/s:Client/);
    const s2 = slowDirectory(ALICE, null);
    const elsewhere = await makeHandler(s2.clock, { userDirectory: s2.dir })(pinRequest(envelope(rst({ AppliesTo: 'https://evil.example.net/x' }))));
    expect(elsewhere.status).toBe(401); // the PIN is refused first, as before
    const s3 = slowDirectory(ALICE, ALICE);
    const elsewhereSignedIn = await makeHandler(s3.clock, { userDirectory: s3.dir })(pinRequest(envelope(rst({ AppliesTo: 'https://evil.example.net/x' }))));
    expect(elsewhereSignedIn.status).toBe(500);
    expect(await elsewhereSignedIn.text()).toMatch(/wst:InvalidRequest.*AppliesTo/s);
  });
});
