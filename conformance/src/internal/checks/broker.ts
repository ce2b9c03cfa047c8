// MS-OCAUTHWS 3.3.4 statements about the Authentication Broker's operations that the 3.3 checks of
// auth-broker.ts do not cover: "once per session", MaxSignature, the hash algorithm negotiation. Requests are
// sent with @ocauth/authbroker's client; every answer is judged from the raw response text, read here.
import { expectThat, manual, type RunContext } from '../context.js';
import type { Requirement } from '../requirements.js';
import { signedBrokerClient } from './common.js';

const SIP_INSTANCE = '71F297D2-197D-545B-AA97-5701F5B5134D';
/** ALG_ID values of the V2 HashAlgorithm (xs:unsignedInt, 3.3.4.7.3): CALG_SHA1, CALG_SHA_256. */
const CALG: Record<string, number> = { SHA1: 0x8004, SHA256: 0x800c };

/** A broker client whose every raw answer is kept (status and text), in order. */
async function recordingClient(ctx: RunContext) {
  const raw: { status: number; text: string }[] = [];
  const f = (async (u: string | URL | Request, init?: RequestInit) => {
    const r = await ctx.fetch(u, init);
    raw.push({ status: r.status, text: await r.clone().text() });
    return r;
  }) as typeof fetch;
  const t = await ctx.client(ctx.anyCredentials()).requestTicket(ctx.paths.authBroker, ctx.paths.webTicket);
  const c = signedBrokerClient(ctx, t, { fetch: f });
  return { c, raw, last: () => raw[raw.length - 1]! };
}
/** Text of the first element with this local name (any prefix), undefined when absent or nil. */
const field = (xml: string, local: string): string | undefined => {
  const m = new RegExp(`<(?:[\\w-]+:)?${local}\\b([^>]*?)(?:/>|>([^<]*)</(?:[\\w-]+:)?${local}>)`).exec(xml);
  if (!m || /nil="true"/.test(m[1] ?? '')) return undefined;
  return (m[2] ?? '').trim();
};
const isFault = (xml: string) => /<(?:[\w-]+:)?Fault\b/.test(xml);

async function negotiateAll(ctx: RunContext, version: 1 | 2, hashes: string[]) {
  if (!ctx.target.registrar) manual('needs a SIP registrar peer the runner controls (openssl s_server on the embedded target)');
  const { c, raw } = await recordingClient(ctx);
  const { sessionId } = version === 1 ? await c.createSession(hashes) : await c.createSessionV2();
  if (version === 1) await c.acquireCredential(sessionId, SIP_INSTANCE);
  else await c.acquireCredentialV2(sessionId, SIP_INSTANCE, hashes);
  const from = raw.length;
  const peer = ctx.target.registrar(version === 1 ? 'TLSv1' : 'TLSv1.2');
  await c.handshake({ sessionId, target: 'sip.contoso.test', version, exchange: async (tok) => (await peer.respond(tok)).gssapiData });
  const legs = raw.slice(from).map((r) => r.text);
  await c.terminateSession(sessionId);
  return { legs, create: raw[0]!.text };
}

export const BROKER_CHECKS: readonly Requirement[] = [
  ...(['AuthBrokerAcquireCredential', 'AuthBrokerAcquireCredentialV2'] as const).map(
    (op): Requirement => ({
      id: `OCAUTH-3.3.4-ONCE-${op.endsWith('V2') ? '02' : '01'}`,
      section: '3.3.4',
      level: 'SHOULD',
      text: op.endsWith('V2')
        ? 'AuthBrokerAcquireCredentialV2 Associates a specific SIPInstance with the session. This can be called once per session.'
        : 'AuthBrokerAcquireCredential Associates a specific SIPInstance with the session. This can be called once per session.',
      async check(ctx) {
        const { c, last } = await recordingClient(ctx);
        const { sessionId } = op.endsWith('V2') ? await c.createSessionV2() : await c.createSession();
        const acquire = () => (op.endsWith('V2') ? c.acquireCredentialV2(sessionId, SIP_INSTANCE) : c.acquireCredential(sessionId, SIP_INSTANCE));
        await acquire();
        const first = last();
        expectThat(
          !isFault(first.text) && Number(field(first.text, `${op}Result`)) > 0,
          `${op} #1: expected a credential lifetime, received HTTP ${first.status} ${first.text.slice(0, 200)}`,
        );
        await acquire().catch(() => undefined);
        const second = last();
        await c.terminateSession(sessionId).catch(() => undefined);
        expectThat(
          isFault(second.text) || second.status >= 400,
          `${op} #2 on the same session: expected a refusal (once per session), received HTTP ${second.status} with result ${field(second.text, `${op}Result`) ?? 'none'}`,
        );
        return `second call refused: HTTP ${second.status} ${(/<faultstring[^>]*>([^<]{0,100})/.exec(second.text)?.[1] ?? '').trim()}`;
      },
    }),
  ),
  {
    id: 'OCAUTH-3.3.4.4.3.2-01',
    section: '3.3.4.4.3.2',
    level: 'MUST',
    text: 'MaxSignature: The maximum size of the security token in bytes. This value is 0 unless ClientSigningKey and ServerSigningKey are populated.',
    async check(ctx) {
      const got: string[] = [];
      for (const version of [1, 2] as const) {
        const { legs } = await negotiateAll(ctx, version, version === 1 ? ['SHA1'] : ['SHA256']);
        expectThat(legs.length >= 2, `V${version}: expected at least two negotiation legs, received ${legs.length}`);
        for (const [i, leg] of legs.entries()) {
          const keys = field(leg, 'ClientSigningKey') !== undefined && field(leg, 'ServerSigningKey') !== undefined;
          const max = Number(field(leg, 'MaxSignature') ?? '0');
          if (!keys) expectThat(max === 0, `V${version} leg ${i + 1} without signing keys: expected MaxSignature 0, received ${max}`);
          else {
            // The signature is an HMAC with the session's hash: 20 bytes (SHA-1) or 32 (SHA-256), as the 4.6.2 example's 20.
            const bytes = Buffer.from(field(leg, 'ClientSigningKey')!, 'base64').length;
            expectThat(
              max === 20 || max === 32,
              `V${version} final leg: expected MaxSignature 20 (SHA-1) or 32 (SHA-256) bytes, received ${max} (signing keys of ${bytes} bytes)`,
            );
            got.push(`V${version}: 0 … ${max}`);
          }
        }
        expectThat(
          legs.some((l) => field(l, 'ClientSigningKey') !== undefined),
          `V${version}: expected a final leg with the signing keys`,
        );
      }
      return `MaxSignature ${got.join('; ')}`;
    },
  },
  {
    id: 'OCAUTH-3.3.4.1.3.1-01',
    section: '3.3.4.1.3.1',
    level: 'MUST',
    text: 'HashAlgorithm: The hash algorithm that will be used for the session. It is determined based on the supportedHashAlgorithms provided by the caller.',
    async check(ctx) {
      const { c, raw } = await recordingClient(ctx);
      const { sessionId } = await c.createSession(['SHA1']);
      const h = field(raw[raw.length - 1]!.text, 'HashAlgorithm');
      await c.terminateSession(sessionId);
      expectThat(h === 'SHA1', `CreateAuthBrokerSession with supportedHashAlgorithms [SHA1]: expected HashAlgorithm SHA1, received ${h ?? 'none'}`);
      return 'offered [SHA1] → SHA1';
    },
  },
  {
    id: 'OCAUTH-3.3.4.7.3.2-01',
    section: '3.3.4.7.3.2',
    level: 'MUST',
    text: 'HashAlgorithm: The hash algorithm that was finalized for the session. It is determined based on the supportedHashAlgorithms provided by the caller as specified in section 3.3.4.6.2.1.',
    async check(ctx) {
      const seen: string[] = [];
      for (const name of ['SHA1', 'SHA256']) {
        const { legs } = await negotiateAll(ctx, 2, [name]);
        const final = legs.find((l) => field(l, 'ClientSigningKey') !== undefined);
        expectThat(final, `V2 offering [${name}]: expected a final leg with the signing keys`);
        const alg = Number(field(final, 'HashAlgorithm'));
        expectThat(
          alg === CALG[name],
          `AuthBrokerAcquireCredentialV2 offering only ${name}: expected HashAlgorithm ${CALG[name]} (ALG_ID of ${name}), received ${field(final, 'HashAlgorithm') ?? 'none'}`,
        );
        seen.push(`[${name}] → ${alg}`);
      }
      return seen.join('; ');
    },
  },
];
