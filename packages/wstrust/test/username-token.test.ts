// The Auth binding's UsernameToken as the Lync 2013 / Skype for Business desktop client sends it
// (base64(user), base64(password), PasswordText) and as plain text; one directory call per attempt;
// the real pool's fault shapes (wrong password → 28020 a:FailedAuthentication; SIP URI claim mismatch).
import { describe, expect, it } from 'vitest';
import { parseSoapFault } from '@ocauth/diagnostics';
import {
  buildAddressingHeaders,
  buildEnvelope,
  buildRequestSecurityToken,
  decodeBase64Text,
  MemoryUserDirectory,
  NS,
  parseMsDiagnosticsHeader,
  URI,
  usernameTokenCandidates,
  type PasswordCandidate,
  type UserDirectory,
} from './internals.js';
import { makeHandler, SERVICE } from './support.js';

const T = new Date('2026-03-01T10:00:00Z');
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

describe('decodeBase64Text: only canonical base64 of UTF-8 text', () => {
  it.each([
    ['QUJD', 'ABC'],
    ['QUI=', 'AB'],
    [b64('CONTOSO\\alice'), 'CONTOSO\\alice'],
    [b64('pässwörd ✓'), 'pässwörd ✓'],
    ['QUJ=', undefined], // non-canonical padding bits
    ['QUJD\n', undefined],
    ['QUJ', undefined],
    ['QU=D', undefined],
    ['', undefined],
    ['/w==', undefined], // 0xff: not UTF-8
    ['AA==', undefined], // NUL: control character
    ['correct horse', undefined],
    ['sip:alice@example.com', undefined],
  ])('%j → %j', (text, want) => expect(decodeBase64Text(text)).toBe(want));
});

describe('usernameTokenCandidates', () => {
  it('plain only when nothing decodes; plain first, then the decoded reading (each field where it decodes)', () => {
    expect(usernameTokenCandidates('alice', 'correct horse')).toEqual([{ username: 'alice', password: 'correct horse' }]);
    expect(usernameTokenCandidates(b64('alice@x'), b64('pw!'))).toEqual([
      { username: b64('alice@x'), password: b64('pw!') },
      { username: 'alice@x', password: 'pw!' },
    ]);
    expect(usernameTokenCandidates('alice', 'QUJD')).toEqual([
      { username: 'alice', password: 'QUJD' },
      { username: 'alice', password: 'ABC' },
    ]);
  });
});

const rst = (claim?: string) =>
  buildEnvelope({
    headers: buildAddressingHeaders({ action: URI.actionRstIssue, messageId: 'urn:uuid:1', to: SERVICE }),
    body: buildRequestSecurityToken({
      Context: '2fdf3b92-4341-4eeb-b898-44ef4994cd55',
      TokenType: URI.tokenTypeSaml11,
      RequestType: URI.requestTypeIssue,
      AppliesTo: 'https://pool0.example.com/x',
      Entropy: new Uint8Array(32).fill(1),
      KeyType: URI.keyTypeSymmetric,
      ...(claim ? { Claims: { Dialect: URI.claimsDialect, ClaimTypes: [{ Uri: URI.claimTypeUri, Value: claim }] } } : {}),
    }),
  });
const withToken = (user: string, password: string, claim?: string) =>
  rst(claim).replace(
    /<s:Header>|<s:Header\/>/,
    (m) =>
      `<s:Header><Security xmlns="${NS.wsse}"><UsernameToken><Username>${user}</Username><Password Type="${URI.passwordText}">${password}</Password></UsernameToken></Security>${m === '<s:Header/>' ? '</s:Header>' : ''}`,
  );

function counting(dir: UserDirectory) {
  const calls: [string, string, readonly PasswordCandidate[] | undefined][] = [];
  const d: UserDirectory = {
    findUserBySipUri: (s) => dir.findUserBySipUri(s),
    findUserByAccount: (a) => dir.findUserByAccount!(a),
    verifyPin: (i, p) => dir.verifyPin(i, p),
    verifyPassword: (u, p, alt) => {
      calls.push([u, p, alt]);
      return dir.verifyPassword(u, p, alt);
    },
  };
  return { d, calls };
}
const directory = () =>
  new MemoryUserDirectory()
    .add({ sipUri: 'sip:alice@example.com', enabled: true, account: 'EXAMPLE\\alice', upn: 'alice@corp.example.com' }, { password: 'correct horse' })
    .add({ sipUri: 'sip:carol@example.com', enabled: true, account: 'EXAMPLE\\carol' }, { password: 'QUJD' });
const post = (h: (r: Request) => Promise<Response>, body: string) =>
  h(
    new Request(SERVICE + '/Auth', {
      method: 'POST',
      body,
      headers: { 'content-type': 'text/xml; charset=utf-8', 'user-agent': 'UCCAPI/15.0.4569.1503 OC/15.0.4569.1503 (Microsoft Lync)' },
    }),
  );

describe('Auth binding: desktop-client UsernameToken', () => {
  for (const [label, user, pw] of [
    ['base64 DOMAIN\\user + base64 password', b64('EXAMPLE\\alice'), b64('correct horse')],
    ['base64 UPN + base64 password', b64('ALICE@corp.example.com'), b64('correct horse')],
    ['plain SIP URI + plain password', 'sip:Alice@example.com', 'correct horse'],
    ['plain DOMAIN\\user + base64 password', 'example\\alice', b64('correct horse')],
    ['a password that is valid base64, sent plain', 'EXAMPLE\\carol', 'QUJD'],
  ] as const) {
    it(`${label}: ticket, one directory call`, async () => {
      const { d, calls } = counting(directory());
      const r = await post(
        makeHandler(() => T, { userDirectory: d }),
        withToken(user, pw),
      );
      expect(r.status, await r.clone().text()).toBe(200);
      expect(calls).toHaveLength(1);
    });
  }
  it('wrong password (base64 forms): one directory call, HTTP 500, a:FailedAuthentication, No valid security token., 28020', async () => {
    const { d, calls } = counting(directory());
    const r = await post(
      makeHandler(() => T, { userDirectory: d }),
      withToken(b64('EXAMPLE\\alice'), b64('wrong horse')),
    );
    expect(calls).toHaveLength(1);
    expect(calls[0]![2]).toEqual([{ username: 'EXAMPLE\\alice', password: 'wrong horse' }]);
    expect(r.status).toBe(500);
    const f = parseSoapFault(await r.text());
    expect(f.ok && f.value).toMatchObject({
      faultcode: 'a:FailedAuthentication',
      faultcodeNamespace: NS.wsse,
      faultstring: 'No valid security token.',
      diagnostics: { errorId: 28020, reason: 'No valid security token.' },
    });
    expect(parseMsDiagnosticsHeader(r.headers.get('x-ms-diagnostics')!)).toMatchObject({ errorId: 28020, reason: 'No valid security token.' });
  });
  it('"ABC" does not sign in as carol (whose password is the text "QUJD"): decoding applies to what was sent, never the stored secret', async () => {
    const r = await post(
      makeHandler(() => T, { userDirectory: directory() }),
      withToken('EXAMPLE\\carol', 'ABC'),
    );
    expect(r.status).toBe(500);
  });
  it("a SIP URI claim that is not the authenticated user: wst:RequestFailed with the real pool's wording, ErrorId 28035", async () => {
    const r = await post(
      makeHandler(() => T, { userDirectory: directory() }),
      withToken('EXAMPLE\\alice', 'correct horse', 'sip:mallory@example.com'),
    );
    expect(r.status).toBe(500);
    const f = parseSoapFault(await r.text());
    expect(f.ok && f.value).toMatchObject({
      faultcode: 'wst:RequestFailed',
      faultstring: 'The SIP URI in the claim type requirements of the web ticket request does not match the SIP URI associated with the presented credentials.',
      diagnostics: { errorId: 28035 },
    });
  });
});
