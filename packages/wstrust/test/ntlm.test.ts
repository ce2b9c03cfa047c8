import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasTool, runTool } from '../../../testing/tools.js';
import { md4, ntowfv2, ntlmv2Responses, ntlmAuthorizer, parseNtlmChallenge, NtlmError, WebTicketClient } from './internals.js';
import { makeHandler, SERVICE } from './support.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('MD4 and NTLMv2 known answers', () => {
  it('MD4: RFC 1320 appendix A.5 vectors', () => {
    expect(hex(md4(Buffer.from('')))).toBe('31d6cfe0d16ae931b73c59d7e0c089c0');
    expect(hex(md4(Buffer.from('abc')))).toBe('a448017aaf21d8525fc10ae87aa6729d');
    expect(hex(md4(Buffer.from('12345678901234567890123456789012345678901234567890123456789012345678901234567890')))).toBe('e33b4ddc9c38f2199c3e7b164fcc0536');
  });
  it('MD4 equals openssl dgst -md4 (legacy provider) on random inputs', (ctx) => {
    if (!hasTool('openssl', ['version'])) return ctx.skip('openssl is not on PATH (under CI hasTool throws instead)');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        const ref = runTool('openssl', ['dgst', '-md4', '-provider', 'legacy', '-provider', 'default', '-r'], b).toString().split(' ')[0];
        expect(hex(md4(b))).toBe(ref);
      }),
      { numRuns: 8 },
    );
  });
  it('MS-NLMP 4.2.4: NTOWFv2 and LMv2 response (User/Domain/Password)', () => {
    expect(hex(md4(Buffer.from('Password', 'utf16le')))).toBe('a4f49c406510bdcab6824ee7c30fd852');
    const k = ntowfv2('Password', 'User', 'Domain');
    expect(hex(k)).toBe('0c868a403bfd7a93a3001ef22ef02e3f');
    const r = ntlmv2Responses(k, Buffer.from('0123456789abcdef', 'hex'), Buffer.from('aaaaaaaaaaaaaaaa', 'hex'), Buffer.alloc(8), new Uint8Array(0));
    expect(hex(r.lmChallengeResponse)).toBe('86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa');
  });
  it('rejects a malformed challenge with a typed error', async () => {
    expect(() => parseNtlmChallenge(Buffer.from('garbage'))).toThrow(NtlmError);
    await expect(ntlmAuthorizer({ username: 'u', password: 'p', domain: 'D' })('Basic realm="x"')).rejects.toThrow(NtlmError);
  });
});

/** A minimal NTLM acceptor for the handler's windowsAuthenticator (test only). */
function ntlmAcceptor(users: Record<string, string>) {
  const serverChallenge = Buffer.from('0123456789abcdef', 'hex');
  const targetInfo = Buffer.concat([Buffer.from([2, 0, 12, 0]), Buffer.from('Domain', 'utf16le'), Buffer.alloc(4)]);
  return async (authz: string) => {
    const tok = Buffer.from(authz.split(' ')[1] ?? '', 'base64');
    const type = tok.readUInt32LE(8);
    if (type === 1) {
      const ch = Buffer.alloc(48);
      Buffer.from('NTLMSSP\0', 'latin1').copy(ch);
      ch.writeUInt32LE(2, 8);
      ch.writeUInt32LE(0xe2888215, 20);
      serverChallenge.copy(ch, 24);
      ch.writeUInt16LE(targetInfo.length, 40);
      ch.writeUInt16LE(targetInfo.length, 42);
      ch.writeUInt32LE(48, 44);
      return { challenge: 'Negotiate ' + Buffer.concat([ch, targetInfo]).toString('base64') };
    }
    const field = (i: number) => tok.subarray(tok.readUInt32LE(16 + i * 8), tok.readUInt32LE(16 + i * 8) + tok.readUInt16LE(12 + i * 8));
    const nt = field(1),
      domain = field(2).toString('utf16le'),
      user = field(3).toString('utf16le');
    const pw = users[`${domain}\\${user}`];
    if (pw === undefined) return null;
    const proof = createHmac('md5', ntowfv2(pw, user, domain))
      .update(serverChallenge)
      .update(nt.subarray(16))
      .digest();
    return proof.equals(nt.subarray(0, 16)) ? { account: `${domain.toUpperCase()}\\${user}` } : null;
  };
}

describe('NTLM over Negotiate on the WinNegotiate binding', () => {
  const T = new Date('2026-03-01T10:00:00Z');
  const h = makeHandler(() => T, { windowsAuthenticator: ntlmAcceptor({ 'EXAMPLE\\alice': 'correct horse' }) });
  const fetchH = (async (u: string, i: RequestInit) => h(new Request(u, i))) as typeof fetch;
  it('obtains a ticket with NTLMv2', async () => {
    const client = new WebTicketClient({
      credentials: { type: 'negotiate', authorize: ntlmAuthorizer({ username: 'alice', password: 'correct horse', domain: 'EXAMPLE', clock: () => T }) },
      clock: () => T,
      fetch: fetchH,
    });
    const t = await client.requestTicket('https://pool0.example.com/x', SERVICE);
    expect(t.appliesTo).toBe('https://pool0.example.com/');
  });
  it('a wrong password is refused', async () => {
    const client = new WebTicketClient({
      credentials: { type: 'negotiate', authorize: ntlmAuthorizer({ username: 'alice', password: 'nope', domain: 'EXAMPLE' }) },
      clock: () => T,
      fetch: fetchH,
    });
    await expect(client.requestTicket('https://pool0.example.com/x', SERVICE)).rejects.toMatchObject({ status: 401 });
  });
});
