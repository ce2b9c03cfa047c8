// The NTLM acceptor (MS-NLMP) judged by an independent client (testing/ntlm-oracle.ts) and the MS-NLMP
// 4.2.4 known answers; hostile tokens; connection binding, replay, bounds. End to end over HTTPS is in
// packages/server/test/ntlm-https.test.ts.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { authenticateMessage, negotiateMessage, ntHashViaOpenssl, ntlmv2KnownAnswer, readChallenge, F, SIPE_FLAGS } from '../../../testing/ntlm-oracle.js';
import { hasTool } from '../../../testing/tools.js';
import {
  buildAddressingHeaders,
  buildEnvelope,
  buildNegTokenInit,
  buildRequestSecurityToken,
  createNtlmAuthenticator,
  MemoryUserDirectory,
  ntHash,
  ntowfv2,
  NtlmError,
  parseAvPairs,
  parseMsDiagnosticsHeader,
  parseNtlmAuthenticate,
  parseSpnego,
  URI,
  type NtlmAuthenticatorOptions,
} from './internals.js';
import { makeHandler, SERVICE } from './support.js';

const V = JSON.parse(readFileSync(new URL('../../../vectors/wstrust/ntlmv2-ms-nlmp-4.2.4.json', import.meta.url), 'utf8'));
const G = V.testGroups[0];
const tc = (id: number) => G.tests.find((t: { tcId: number }) => t.tcId === id);
const PASSWORD_NT = Buffer.from(tc(1).ntHashHex, 'hex'); // MD4(UTF-16LE "Password"), MS-NLMP 4.2.2.1.2
const T = new Date('2026-03-01T10:00:00Z');

function setup(over: Partial<NtlmAuthenticatorOptions> = {}) {
  const dir = new MemoryUserDirectory()
    .add({ sipUri: 'sip:user@contoso.test', enabled: true, account: 'CONTOSO\\User', upn: 'user@contoso.test' }, { password: 'Password' })
    .add({ sipUri: 'sip:nohash@contoso.test', enabled: true, account: 'CONTOSO\\nohash' }, { pin: '1234' })
    .add({ sipUri: 'sip:off@contoso.test', enabled: false, account: 'CONTOSO\\off' }, { password: 'Password' });
  const closers = new Map<string, () => void>();
  const events: unknown[] = [];
  const auth = createNtlmAuthenticator({
    directory: dir,
    netbiosDomain: 'CONTOSO',
    dnsDomain: 'contoso.test',
    clock: () => T,
    connection: (req) => {
      const id = req.headers.get('x-conn');
      return id ? { id, onClose: (l) => void closers.set(id, l) } : undefined;
    },
    log: (e) => void events.push(e),
    ...over,
  });
  const h = makeHandler(() => T, { userDirectory: dir, windowsAuthenticator: auth });
  const rst = () =>
    buildEnvelope({
      headers: buildAddressingHeaders({ action: URI.actionRstIssue, messageId: 'urn:uuid:1', to: SERVICE }),
      body: buildRequestSecurityToken({
        Context: '2fdf3b92-4341-4eeb-b898-44ef4994cd55',
        TokenType: URI.tokenTypeSaml11,
        RequestType: URI.requestTypeIssue,
        AppliesTo: 'https://pool0.example.com/CertProv/CertProvisioningService.svc',
        Entropy: new Uint8Array(32).fill(7),
        KeyType: URI.keyTypeSymmetric,
      }),
    });
  const send = (conn: string | undefined, authorization?: string) =>
    h(
      new Request(SERVICE, {
        method: 'POST',
        body: rst(),
        headers: { 'content-type': 'text/xml; charset=utf-8', ...(conn ? { 'x-conn': conn } : {}), ...(authorization ? { authorization } : {}) },
      }),
    );
  const challengeOf = (r: Response, scheme = 'NTLM') => {
    const v = r.headers.get('www-authenticate') ?? '';
    expect(v.startsWith(`${scheme} `), v).toBe(true);
    return readChallenge(Buffer.from(v.slice(scheme.length + 1), 'base64'));
  };
  /** NEGOTIATE → CHALLENGE on `conn`; returns the parsed CHALLENGE and the NEGOTIATE sent. */
  const start = async (conn: string, scheme = 'NTLM', flags = SIPE_FLAGS) => {
    const negotiate = negotiateMessage(flags);
    const r = await send(conn, `${scheme} ${negotiate.toString('base64')}`);
    expect(r.status).toBe(401);
    return { ch: challengeOf(r, scheme), negotiate };
  };
  const diag = (r: Response) => parseMsDiagnosticsHeader(r.headers.get('x-ms-diagnostics') ?? '');
  return { dir, auth, h, send, start, closers, events, diag };
}

describe('MS-NLMP 4.2.4 known answers (vectors/wstrust/ntlmv2-ms-nlmp-4.2.4.json)', () => {
  it('tcId 1-2: NT hash, NTOWFv2, NTProofStr, SessionBaseKey, LMv2: the test oracle and @ocauth/wstrust agree with the spec', () => {
    const k = ntlmv2KnownAnswer({ ...G, ntHashHex: tc(1).ntHashHex });
    expect(k.ntowfv2.toString('hex')).toBe(tc(1).ntowfv2Hex);
    expect(k.ntProofStr.toString('hex')).toBe(tc(2).ntProofStrHex);
    expect(k.sessionBaseKey.toString('hex')).toBe(tc(2).sessionBaseKeyHex);
    expect(k.lmv2.toString('hex')).toBe(tc(2).lmv2ResponseHex);
    expect(Buffer.from(ntHash(G.password)).toString('hex')).toBe(tc(1).ntHashHex);
    expect(Buffer.from(ntowfv2(G.password, G.user, G.domain)).toString('hex')).toBe(tc(1).ntowfv2Hex);
    if (hasTool('openssl', ['version'])) expect(ntHashViaOpenssl('Password').toString('hex')).toBe(tc(1).ntHashHex);
  });
  it("tcId 3: the spec's AUTHENTICATE_MESSAGE (4.2.4.3) is accepted for Domain\\User; one flipped NTProofStr bit is refused", async () => {
    for (const flip of [false, true]) {
      const dir = new MemoryUserDirectory().add({ sipUri: 'sip:user@domain.test', enabled: true, account: 'Domain\\User' }, { password: 'Password' });
      const auth = createNtlmAuthenticator({
        directory: dir,
        netbiosDomain: 'Domain',
        dnsDomain: 'domain.test',
        random: () => Buffer.from(G.serverChallengeHex, 'hex'),
        clock: () => new Date(-11644473600000), // FILETIME 0 (the example's Time)
        connection: () => ({ id: 1, onClose: () => {} }),
      });
      const req = new Request('https://x/');
      expect(await auth(`NTLM ${negotiateMessage().toString('base64')}`, req)).toHaveProperty('challenge');
      const msg = Buffer.from(tc(3).authenticateMessageHex, 'hex');
      if (flip) msg[0x84 + 3]! ^= 0x10; // inside NTProofStr (NtChallengeResponse at 0x84)
      const r = await auth(`NTLM ${msg.toString('base64')}`, req);
      if (flip) expect(r).toMatchObject({ failure: { errorId: 28024 } });
      else expect(r).toEqual({ account: 'sip:user@domain.test' });
    }
  });
});

describe('NTLM handshake on the WinNegotiate binding (independent client)', () => {
  it('401 without credentials offers Negotiate and NTLM as separate challenges', async () => {
    const { send } = setup();
    const r = await send('c1');
    expect(r.status).toBe(401);
    expect([...r.headers].filter(([k]) => k === 'www-authenticate').map(([, v]) => v)).toEqual(['Negotiate, NTLM, Bearer']); // Fetch joins; node adapter splits
  });
  it('CHALLENGE: UNICODE|NTLM|ALWAYS_SIGN|EXTENDED_SESSIONSECURITY|TARGET_INFO, AV_PAIRs NbDomainName, DnsDomainName, Timestamp, EOL', async () => {
    const { start } = setup();
    const { ch } = await start('c1');
    for (const f of [F.UNICODE, F.NTLM, F.ALWAYS_SIGN, F.ESS, F.TARGET_INFO]) expect(ch.flags & f, `flag ${f.toString(16)}`).toBe(f);
    expect(ch.flags & F.KEY_EXCH).toBe(0);
    expect(ch.targetName).toBe('CONTOSO');
    expect(ch.avs.get(2)?.toString('utf16le')).toBe('CONTOSO');
    expect(ch.avs.get(4)?.toString('utf16le')).toBe('contoso.test');
    const ts = ch.avs.get(7)!;
    expect(ts.readBigUInt64LE(0)).toBe((BigInt(T.getTime()) + 11644473600000n) * 10000n);
    expect(ch.targetInfo.subarray(-4)).toEqual(Buffer.alloc(4)); // MsvAvEOL last
    expect(ch.serverChallenge.length).toBe(8);
  });
  for (const [label, user, domain] of [
    ['DOMAIN\\user', 'User', 'CONTOSO'],
    ['UPN with an empty domain (SIPE)', 'user@contoso.test', ''],
    ['SIP URI with an empty domain', 'sip:user@contoso.test', ''],
    ['user name case-insensitively', 'USER', 'contoso'],
    ['user at a DNS domain', 'user', 'contoso.test'],
  ] as const) {
    it(`a ticket for ${label}`, async () => {
      const { start, send } = setup();
      const { ch } = await start('c1');
      const r = await send('c1', `NTLM ${authenticateMessage(ch, { ntHash: PASSWORD_NT, user, domain }).toString('base64')}`);
      expect(r.status, await r.clone().text()).toBe(200);
      expect(await r.text()).toContain('sip:user@contoso.test');
    });
  }
  it("Negotiate with raw NTLMSSP (SIPE's fallback) answers in the Negotiate scheme", async () => {
    const { start, send } = setup();
    const { ch } = await start('c1', 'Negotiate');
    const r = await send('c1', `Negotiate ${authenticateMessage(ch, { ntHash: PASSWORD_NT, user: 'user@contoso.test', domain: '' }).toString('base64')}`);
    expect(r.status).toBe(200);
  });
  it('Negotiate with SPNEGO: NegTokenInit(NTLM NEGOTIATE) → NegTokenResp(CHALLENGE) → NegTokenResp(AUTHENTICATE)', async () => {
    const { send } = setup();
    const negotiate = negotiateMessage();
    const r1 = await send('c1', `Negotiate ${buildNegTokenInit(negotiate).toString('base64')}`);
    expect(r1.status).toBe(401);
    const t = parseSpnego(Buffer.from(r1.headers.get('www-authenticate')!.slice(10), 'base64'));
    expect(t).toMatchObject({ kind: 'resp', negState: 1 });
    const ch = readChallenge((t as { responseToken: Buffer }).responseToken);
    const auth = authenticateMessage(ch, { ntHash: PASSWORD_NT, user: 'User', domain: 'CONTOSO' });
    // NegTokenResp [1] { [2] responseToken } written by hand (DER) — independent of the server's writer.
    const inner = Buffer.concat([Buffer.from([0x04, 0x82, auth.length >> 8, auth.length & 0xff]), auth]);
    const f2 = Buffer.concat([Buffer.from([0xa2, 0x82, inner.length >> 8, inner.length & 0xff]), inner]);
    const seq = Buffer.concat([Buffer.from([0x30, 0x82, f2.length >> 8, f2.length & 0xff]), f2]);
    const resp = Buffer.concat([Buffer.from([0xa1, 0x82, seq.length >> 8, seq.length & 0xff]), seq]);
    expect((await send('c1', `Negotiate ${resp.toString('base64')}`)).status).toBe(200);
  });
  it('a MIC (MsvAvFlags 0x2) is verified: correct accepted, corrupted refused', async () => {
    for (const corrupt of [false, true]) {
      const { start, send, diag } = setup();
      const { ch, negotiate } = await start('c1');
      const r = await send(
        'c1',
        `NTLM ${authenticateMessage(ch, { ntHash: PASSWORD_NT, user: 'User', domain: 'CONTOSO', mic: { negotiate, corrupt } }).toString('base64')}`,
      );
      expect(r.status).toBe(corrupt ? 401 : 200);
      if (corrupt) expect(diag(r)?.errorId).toBe(28024);
    }
  });
  it('connection-based: after the handshake the same connection needs no header; another connection does', async () => {
    const { start, send } = setup();
    const { ch } = await start('c1');
    expect((await send('c1', `NTLM ${authenticateMessage(ch, { ntHash: PASSWORD_NT, user: 'User', domain: 'CONTOSO' }).toString('base64')}`)).status).toBe(200);
    expect((await send('c1')).status).toBe(200);
    expect((await send('c2')).status).toBe(401);
  });
});

describe('NTLM refusals: 401 + X-Ms-diagnostics, never 500', () => {
  const cases: [string, (s: ReturnType<typeof setup>, ch: ReturnType<typeof readChallenge>) => Buffer, number][] = [
    ['wrong password', (_, ch) => authenticateMessage(ch, { ntHash: Buffer.from(ntHash('Passw0rd')), user: 'User', domain: 'CONTOSO' }), 28024],
    ['unknown user', (_, ch) => authenticateMessage(ch, { ntHash: PASSWORD_NT, user: 'ghost', domain: 'CONTOSO' }), 28024],
    ['user without an NT hash', (_, ch) => authenticateMessage(ch, { ntHash: PASSWORD_NT, user: 'nohash', domain: 'CONTOSO' }), 28024],
    [
      'NTLMv1-shaped response (24 bytes)',
      (_, ch) => authenticateMessage(ch, { ntHash: PASSWORD_NT, user: 'User', domain: 'CONTOSO', ntResponse: Buffer.alloc(24, 1) }),
      28024,
    ],
    [
      'LM only (empty NtChallengeResponse)',
      (_, ch) => authenticateMessage(ch, { ntHash: PASSWORD_NT, user: 'User', domain: 'CONTOSO', ntResponse: Buffer.alloc(0) }),
      28024,
    ],
    [
      'timestamp outside the window',
      (_, ch) =>
        authenticateMessage(ch, {
          ntHash: PASSWORD_NT,
          user: 'User',
          domain: 'CONTOSO',
          time: (() => {
            const b = Buffer.alloc(8);
            b.writeBigUInt64LE((BigInt(T.getTime() - 3600_000) + 11644473600000n) * 10000n);
            return b;
          })(),
        }),
      28024,
    ],
    ['a NEGOTIATE without UNICODE', () => negotiateMessage(SIPE_FLAGS & ~F.UNICODE), 28020],
    ['a CHALLENGE sent back', (_, ch) => ch.raw, 28020],
  ];
  for (const [label, make, id] of cases) {
    it(label, async () => {
      const s = setup();
      const { ch } = await s.start('c1');
      const r = await s.send('c1', `NTLM ${make(s, ch).toString('base64')}`);
      expect(r.status).toBe(401);
      expect(s.diag(r)?.errorId).toBe(id);
      expect(r.headers.get('www-authenticate')).toBe('Negotiate, NTLM, Bearer');
      expect(JSON.stringify(s.events)).not.toMatch(/Password|a4f49c40/);
    });
  }
  it('a disabled user is 403 28000 after NTLM succeeds', async () => {
    const s = setup();
    const { ch } = await s.start('c1');
    const r = await s.send('c1', `NTLM ${authenticateMessage(ch, { ntHash: PASSWORD_NT, user: 'off', domain: 'CONTOSO' }).toString('base64')}`);
    expect(r.status).toBe(403);
    expect(s.diag(r)?.errorId).toBe(28000);
  });
  it('a replayed AUTHENTICATE (same connection, after success) and one moved to another connection are refused', async () => {
    const s = setup();
    const { ch } = await s.start('c1');
    const auth = `NTLM ${authenticateMessage(ch, { ntHash: PASSWORD_NT, user: 'User', domain: 'CONTOSO' }).toString('base64')}`;
    expect((await s.send('c1', auth)).status).toBe(200);
    const again = await s.send('c1', auth);
    expect(again.status).toBe(401);
    expect(s.diag(again)?.errorId).toBe(28024);
    expect((await s.send('c1')).status).toBe(401); // the failed attempt ended the connection's identity
    const s2 = setup();
    const { ch: ch2 } = await s2.start('c1');
    const moved = await s2.send('c2', `NTLM ${authenticateMessage(ch2, { ntHash: PASSWORD_NT, user: 'User', domain: 'CONTOSO' }).toString('base64')}`);
    expect(moved.status).toBe(401);
  });
  it('an expired CHALLENGE is refused', async () => {
    let now = T;
    const s = setup({ clock: () => now, contextTtlSeconds: 60 });
    const { ch } = await s.start('c1');
    now = new Date(T.getTime() + 61_000);
    expect((await s.send('c1', `NTLM ${authenticateMessage(ch, { ntHash: PASSWORD_NT, user: 'User', domain: 'CONTOSO' }).toString('base64')}`)).status).toBe(
      401,
    );
  });
  it('no connection identity (in-process request): 401 28001, no context kept', async () => {
    const s = setup();
    const r = await s.send(undefined, `NTLM ${negotiateMessage().toString('base64')}`);
    expect(r.status).toBe(401);
    expect(s.diag(r)?.errorId).toBe(28001);
    expect(s.auth.stats()).toEqual({ pending: 0, connections: 0 });
  });
  it('half-open contexts are bounded per server (503) and die with their connection; one per connection', async () => {
    const s = setup({ maxPendingContexts: 3 });
    for (const c of ['a', 'b', 'c']) await s.start(c);
    await s.start('a'); // a second NEGOTIATE on a connection replaces its context
    expect(s.auth.stats().pending).toBe(3);
    const full = await s.send('d', `NTLM ${negotiateMessage().toString('base64')}`);
    expect(full.status).toBe(503);
    expect(full.headers.get('retry-after')).toBe('5');
    expect(s.diag(full)?.errorId).toBe(28001);
    s.closers.get('b')!();
    expect(s.auth.stats()).toEqual({ pending: 2, connections: 3 });
    await s.start('d');
    expect(s.auth.stats().pending).toBe(3);
  });
});

describe('hostile tokens', () => {
  const hostile = async (s: ReturnType<typeof setup>, token: Buffer, scheme = 'NTLM') => {
    const r = await s.send('c1', `${scheme} ${token.toString('base64')}`);
    expect([401, 503]).toContain(r.status);
    expect([28020, 28024, 28001]).toContain(s.diag(r)?.errorId);
    return r;
  };
  it('every truncation of a valid AUTHENTICATE is refused with 401, never 500', async () => {
    const s = setup();
    const { ch } = await s.start('c1');
    const full = authenticateMessage(ch, { ntHash: PASSWORD_NT, user: 'User', domain: 'CONTOSO' });
    for (let n = 1; n < full.length; n += n < 100 ? 1 : 7) {
      await s.start('c1');
      await hostile(s, full.subarray(0, n));
    }
  });
  it('field offsets out of range and huge lengths', async () => {
    const s = setup();
    const { ch } = await s.start('c1');
    const full = authenticateMessage(ch, { ntHash: PASSWORD_NT, user: 'User', domain: 'CONTOSO' });
    for (const slot of [12, 20, 28, 36, 44, 52]) {
      for (const [len, off] of [
        [0xffff, 72],
        [16, 0xffffffff],
        [16, full.length - 8],
        [16, 8],
      ] as const) {
        const m = Buffer.from(full);
        m.writeUInt16LE(len, slot);
        m.writeUInt32LE(off, slot + 4);
        await s.start('c1');
        await hostile(s, m);
      }
    }
  });
  it('SPNEGO garbage: indefinite lengths, lengths past the end, wrong OIDs, no NTLM mechanism', async () => {
    const s = setup();
    for (const hex of [
      '6080',
      '60ff',
      '6084ffffffff',
      '600a06062b0601050502a000',
      '6010060a2b06010401823702020aa002300000',
      'a100',
      'a1053003a00100',
      'a10d300ba2090407aabbccddeeff00',
    ]) {
      await hostile(s, Buffer.from(hex, 'hex'), 'Negotiate');
    }
    // NegTokenInit offering only Kerberos: refused; offering NTLM with a Kerberos optimistic token: NTLM selected.
    const krbOnly = Buffer.from('601b06062b0601050502a011300fa00d300b06092a864886f712010202', 'hex');
    await hostile(s, krbOnly, 'Negotiate');
  });
  it('malformed Authorization values', async () => {
    const s = setup();
    for (const v of ['NTLM', 'NTLM !!!!', 'NTLM abc', `NTLM ${'A'.repeat(20000)}`, 'Negotiate ====', 'NTLM TlRMTVNTUAA=']) {
      const r = await s.send('c1', v);
      expect(r.status, v.slice(0, 30)).toBe(401);
    }
  });
  it('random bytes after the NTLMSSP signature (property, bounded)', async () => {
    const s = setup();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3 }), fc.uint8Array({ maxLength: 200 }), async (type, rest) => {
        const m = Buffer.concat([Buffer.from('NTLMSSP\0', 'latin1'), Buffer.from([type, 0, 0, 0]), rest]);
        await s.start('c1');
        const r = await s.send('c1', `NTLM ${m.toString('base64')}`);
        expect(r.status === 401 || r.status === 503).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

describe('parsers fail only with NtlmError (property, bounded)', () => {
  const only = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(NtlmError);
    }
  };
  it('parseSpnego on random DER-ish bytes', () => {
    fc.assert(
      fc.property(fc.constantFrom(0x60, 0xa1, 0x30, 0x04), fc.uint8Array({ maxLength: 120 }), (tag, rest) =>
        only(() => parseSpnego(Buffer.concat([Buffer.from([tag, rest.length & 0xff]), rest]))),
      ),
      { numRuns: 400 },
    );
  });
  it('parseNtlmAuthenticate / parseAvPairs on random bytes after the signature', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 52, maxLength: 200 }), (rest) => {
        const m = Buffer.concat([Buffer.from('NTLMSSP\0', 'latin1'), Buffer.from([3, 0, 0, 0]), rest]);
        only(() => parseNtlmAuthenticate(m));
        only(() => parseAvPairs(Buffer.from(rest)));
      }),
      { numRuns: 400 },
    );
  });
});
