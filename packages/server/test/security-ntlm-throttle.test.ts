// Issue 16 item 1 on the NTLM path: password guesses sent as NTLMv2 AUTHENTICATE messages on the
// WinNegotiate binding count against the same per-account limit as UsernameToken passwords. The NT hash
// is checked inside the NTLM authenticator, not by the directory's verifyPassword, so without the sign-in
// guard an attacker could guess passwords over NTLM at HMAC speed, unthrottled.
import { Agent, request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAddressingHeaders, buildEnvelope, buildRequestSecurityToken, URI } from '@ocauth/wstrust';
import { startServer, type RunningServer } from '@ocauth/server';
import { authenticateMessage, negotiateMessage, ntHashViaOpenssl, readChallenge } from '../../../testing/ntlm-oracle.js';

let srv: RunningServer;
const MAX = 4;
beforeAll(async () => {
  srv = await startServer({
    store: { kind: 'memory' },
    farmFqdn: 'pool.ocauth.test',
    logger: false,
    users: [{ sipUri: 'sip:victim@ocauth.test', account: 'OCAUTH\\victim', upn: 'victim@ocauth.test', password: 'Right-Password-1' }],
    // familiarSourceDays 0: every attempt here comes from 127.0.0.1, which never signed in before anyway.
    policy: { signInThrottle: { maxPasswordFailures: MAX, maxSourceFailures: 1000, familiarSourceDays: 0 } },
  });
});
afterAll(async () => srv?.close());

const rst = () =>
  buildEnvelope({
    headers: buildAddressingHeaders({ action: URI.actionRstIssue, messageId: 'urn:uuid:7d1b1f0e-0000-4000-8000-0000000000aa', to: srv.urls.webTicket }),
    body: buildRequestSecurityToken({
      Context: '2fdf3b92-4341-4eeb-b898-44ef4994cd55',
      TokenType: URI.tokenTypeSaml11,
      RequestType: URI.requestTypeIssue,
      AppliesTo: srv.urls.certProv,
      Entropy: new Uint8Array(32).fill(7),
      KeyType: URI.keyTypeSymmetric,
    }),
  });

function post(agent: Agent, body: string, headers: Record<string, string>): Promise<{ status: number; auth: string[] }> {
  return new Promise((resolve, reject) => {
    const u = new URL(srv.urls.webTicket);
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        agent,
        ca: srv.caCertificatePem,
        headers: { 'content-type': 'text/xml; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          const auth: string[] = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) if (res.rawHeaders[i]!.toLowerCase() === 'www-authenticate') auth.push(res.rawHeaders[i + 1]!);
          resolve({ status: res.statusCode ?? 0, auth });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** One full NTLM handshake on a fresh keep-alive connection; the status of the AUTHENTICATE leg. */
async function ntlmSignIn(password: string): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const r1 = await post(agent, rst(), { authorization: `NTLM ${negotiateMessage().toString('base64')}` });
    expect(r1.status).toBe(401);
    const ch = readChallenge(Buffer.from(r1.auth[0]!.slice(5), 'base64'));
    const r2 = await post(agent, rst(), {
      authorization: `NTLM ${authenticateMessage(ch, { ntHash: ntHashViaOpenssl(password), user: 'victim', domain: 'OCAUTH' }).toString('base64')}`,
    });
    return r2.status;
  } finally {
    agent.destroy();
  }
}

describe('NTLM password guessing is throttled like UsernameToken passwords (issue 16 item 1)', () => {
  it(`after ${MAX} wrong NTLM passwords the account is locked: the right one is refused too, with the same answer`, async () => {
    expect(await ntlmSignIn('Right-Password-1')).toBe(200); // the oracle and the account work
    for (let i = 0; i < MAX; i++) expect(await ntlmSignIn(`guess-${i}`)).toBe(401);
    expect(await ntlmSignIn('Right-Password-1')).toBe(401);
  });
});
