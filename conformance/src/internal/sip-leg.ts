// The SIP leg of a sign-in ([MS-SIPAE] TLS-DSK), as a real client runs it against a pool's registrar:
// REGISTER → 401 TLS-DSK challenge (sts-uri) → TLS-DSK legs in gssapi-data with the certificate
// GetAndPublishCert issued → REGISTER signed with the client key → 200 OK whose rspauth verifies with
// the server key. Its SIP client and signature buffer are written here from pidgin-sipe's behaviour
// (sipe-sign.c, sip-transport.c) and share no code with @ocauth/server's registrar.
import { createHmac, randomBytes, timingSafeEqual, type KeyObject, type X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import { TlsDskClient } from '@ocauth/authbroker';
import { SecurityStatus } from '@ocauth/diagnostics';
import { expectThat, manual, type RunContext } from './context.js';
import type { Requirement } from './requirements.js';
import { paths } from './target.js';
import { fetchAutodiscover, registrarCandidates } from './discovery.js';

const REALM = 'SIP Communications Service';

interface SipResponse {
  status: number;
  head: string;
  headers: [string, string][];
}

class SipConnection {
  private buf = Buffer.alloc(0);
  private wake: (() => void) | undefined;
  private ended = false;
  private constructor(private readonly socket: tls.TLSSocket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake?.();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake?.();
    });
    socket.on('error', () => {});
  }

  static open(host: string, port: number, ca: string | undefined, servername: string | undefined): Promise<SipConnection> {
    return new Promise((resolve, reject) => {
      const s = tls.connect(
        { host, port, ...(ca ? { ca } : {}), ...(servername && !/^[\d.:]+$/.test(servername) ? { servername } : {}), timeout: 15_000 },
        () => resolve(new SipConnection(s)),
      );
      s.once('error', reject);
      s.once('timeout', () => reject(Object.assign(new Error(`SIP registrar ${host}:${port}: no TLS handshake within 15 s`), { code: 'ETIMEDOUT' })));
    });
  }

  async exchange(message: string, timeoutMs = 15_000): Promise<SipResponse> {
    this.socket.write(message);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end >= 0) {
        const head = this.buf.subarray(0, end).toString('latin1');
        const len = Number(/\r\n(?:content-length|l)\s*:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        if (this.buf.length >= end + 4 + len) {
          this.buf = this.buf.subarray(end + 4 + len);
          const lines = head.split('\r\n');
          const m = /^SIP\/2\.0 (\d{3}) /.exec(lines[0]!);
          expectThat(m, `SIP registrar: expected a SIP response, received ${JSON.stringify(lines[0]!.slice(0, 80))}`);
          return { status: Number(m[1]), head, headers: lines.slice(1).map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()]) };
        }
      }
      expectThat(!this.ended, 'SIP registrar: the connection closed before a response');
      expectThat(Date.now() < deadline, `SIP registrar: no response within ${timeoutMs} ms`);
      await new Promise<void>((r) => {
        this.wake = r;
        setTimeout(r, 250);
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

const get = (r: SipResponse, name: string) => r.headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
const param = (v: string, name: string) =>
  new RegExp(`(?:^|[\\s,])${name}=(?:"([^"]*)"|([^,\\s]*))`)
    .exec(v)
    ?.slice(1)
    .find((x) => x !== undefined);
const uriOf = (v: string) => (v.includes('<') ? v.slice(v.indexOf('<') + 1, v.indexOf('>')) : v.split(';')[0]!.trim());
const tagOf = (v: string) => /;\s*tag=([^;\s]*)/i.exec(v.slice(Math.max(0, v.lastIndexOf('>'))))?.[1] ?? '';

export interface SipLegResult {
  summary: string;
  /** The SIP exchanges (gssapi-data shortened; no key material). */
  transcript: string[];
}

/**
 * Run the SIP leg against `host:port` for `sipUri` with a certificate GetAndPublishCert issued.
 * Throws CheckFailed (expectThat) naming the step that went wrong.
 */
export async function runSipLeg(o: {
  host: string;
  port: number;
  servername?: string | undefined;
  ca?: string | undefined;
  sipUri: string;
  certificatePem: string;
  privateKey: KeyObject | string;
  clientCertificate: X509Certificate;
}): Promise<SipLegResult> {
  const transcript: string[] = [];
  // `servername`: the registrar's FQDN when `host` is the address a resolver gave (SNI and the name the certificate must carry).
  const conn = await SipConnection.open(o.host, o.port, o.ca, o.servername);
  const callId = randomBytes(8).toString('hex');
  const fromTag = randomBytes(4).toString('hex');
  const domain = o.sipUri.split('@')[1]!;
  let cseq = 0;
  const register = (auth?: string) =>
    [
      `REGISTER sip:${domain} SIP/2.0`,
      `Via: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bK${randomBytes(6).toString('hex')}`,
      `From: <${o.sipUri}>;tag=${fromTag};epid=${randomBytes(5).toString('hex')}`,
      `To: <${o.sipUri}>`,
      'Max-Forwards: 70',
      `CSeq: ${++cseq} REGISTER`,
      `Call-ID: ${callId}`,
      `Contact: <sip:127.0.0.1:5061;transport=tls>;methods="INVITE, MESSAGE, INFO, SUBSCRIBE, OPTIONS, BYE, CANCEL, NOTIFY, ACK, REFER, BENOTIFY";proxy=replace`,
      'User-Agent: ocauth-conformance',
      ...(auth ? [`Authorization: ${auth}`] : []),
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
  const note = (r: SipResponse) => transcript.push(r.head.replace(/gssapi-data="([^"]{0,24})[^"]*"/g, 'gssapi-data="$1…"'));
  try {
    // 1. REGISTER without credentials → 401 with the TLS-DSK challenge.
    const r0 = await conn.exchange(register());
    note(r0);
    const challenge = get(r0, 'WWW-Authenticate').find((v) => /^TLS-DSK\s/i.test(v));
    expectThat(
      r0.status === 401 && challenge,
      `REGISTER without credentials: expected 401 with WWW-Authenticate: TLS-DSK …, received ${r0.status} ${get(r0, 'WWW-Authenticate').join(' | ') || 'no challenge'}`,
    );
    const realm = param(challenge, 'realm');
    const target = param(challenge, 'targetname');
    const version = Number(param(challenge, 'version') ?? '0');
    expectThat(realm === REALM, `TLS-DSK challenge: expected realm="${REALM}", received ${JSON.stringify(realm)}`);
    expectThat(target, 'TLS-DSK challenge: expected a targetname, received none');
    expectThat(param(challenge, 'sts-uri'), 'TLS-DSK challenge: expected an sts-uri (the Certificate Provisioning Service), received none');
    expectThat(version >= 3, `TLS-DSK challenge: expected version=3 or 4, received ${JSON.stringify(param(challenge, 'version'))}`);

    // 2. TLS-DSK legs in gssapi-data (TLS 1.0, as SIPE and Lync 2010/2013 negotiate it).
    const client = new TlsDskClient({
      credential: { certificate: o.certificatePem, privateKey: o.privateKey },
      protocol: 'TLSv1',
      target,
      ...(o.ca ? { trustedCertificates: [o.ca] } : {}),
    });
    const base = `TLS-DSK qop="auth", realm="${REALM}", targetname="${target}"`;
    let step = await client.step();
    let opaque: string | undefined;
    let last: SipResponse | undefined;
    for (let leg = 1; step.status === SecurityStatus.ContinueNeeded; leg++) {
      expectThat(leg <= 3, 'TLS-DSK: expected the handshake to complete within 3 legs');
      const r = await conn.exchange(
        register(`${base}${opaque ? `, opaque="${opaque}"` : ''}, gssapi-data="${Buffer.from(step.output).toString('base64')}", version=${version}`),
      );
      note(r);
      const ch = get(r, 'WWW-Authenticate').find((v) => /^TLS-DSK\s/i.test(v));
      const data = ch ? param(ch, 'gssapi-data') : undefined;
      expectThat(
        r.status === 401 && ch && data,
        `TLS-DSK leg ${leg}: expected 401 with gssapi-data, received ${r.status} ${get(r, 'Warning').join(' ') || get(r, 'WWW-Authenticate').join(' | ')}`,
      );
      opaque = param(ch, 'opaque');
      expectThat(opaque, `TLS-DSK leg ${leg}: expected an opaque security association id, received none`);
      step = await client.step(Buffer.from(data, 'base64'));
      last = r;
    }
    expectThat(
      step.status === SecurityStatus.OK && step.keys,
      `TLS-DSK: expected the handshake to complete, received status 0x${(step.status >>> 0).toString(16)} ${step.error?.message ?? ''}`,
    );
    expectThat(last, 'TLS-DSK: no leg was exchanged');
    const keys = step.keys;

    // 3. REGISTER signed with the client signing key ([MS-SIPAE] 3.2.5.2, the v3/v4 buffer SIPE builds).
    const crand = randomBytes(4).toString('hex').toUpperCase();
    const cnum = '1';
    const signed = (key: Uint8Array) => {
      const buffer = `<TLS-DSK><${crand}><${cnum}><${REALM}><${target}><${callId}><${cseq + 1}><REGISTER><${o.sipUri}><${fromTag}><${o.sipUri}><><><><>`;
      const response = createHmac('sha1', key).update(buffer).digest('hex').toUpperCase();
      return register(`${base}, opaque="${opaque}", version=${version}, crand="${crand}", cnum="${cnum}", response="${response}"`);
    };
    // First signed with the wrong key (the server's): a registrar must not accept it.
    const forged = await conn.exchange(signed(keys.serverSigningKey));
    note(forged);
    expectThat(forged.status !== 200 && forged.status >= 400, `REGISTER signed with the wrong key: expected a refusal (401/403), received ${forged.status}`);
    const ok = await conn.exchange(signed(keys.clientSigningKey));
    note(ok);
    expectThat(ok.status === 200, `signed REGISTER: expected 200 OK, received ${ok.status} ${get(ok, 'Warning').join(' ')}`);
    const info = get(ok, 'Authentication-Info').find((v) => /^TLS-DSK\s/i.test(v));
    expectThat(info, '200 OK: expected Authentication-Info: TLS-DSK …, received none');
    const rspauth = param(info, 'rspauth') ?? '';
    const to = get(ok, 'To')[0] ?? '';
    const from = get(ok, 'From')[0] ?? '';
    const okCseq = (get(ok, 'CSeq')[0] ?? '').split(' ');
    const pai = get(ok, 'P-Asserted-Identity')[0] ?? '';
    const paiParts = pai.split(',').map((p) => uriOf(p.trim()));
    const respBuffer = `<TLS-DSK><${param(info, 'srand') ?? param(info, 'rand') ?? ''}><${param(info, 'snum') ?? param(info, 'num') ?? ''}><${param(info, 'realm') ?? ''}><${param(info, 'targetname') ?? ''}><${get(ok, 'Call-ID')[0] ?? ''}><${okCseq[0] ?? ''}><${okCseq[1] ?? ''}><${uriOf(from)}><${tagOf(from)}><${uriOf(to)}><${tagOf(to)}><${paiParts.find((p) => /^sips?:/i.test(p)) ?? ''}><${paiParts.find((p) => /^tel:/i.test(p)) ?? ''}><${get(ok, 'Expires')[0] ?? ''}><200>`;
    const want = createHmac('sha1', keys.serverSigningKey).update(respBuffer).digest();
    expectThat(
      /^[0-9a-fA-F]{40}$/.test(rspauth) && timingSafeEqual(want, Buffer.from(rspauth, 'hex')),
      '200 OK: rspauth does not verify with the TLS-DSK server signing key over the MS-SIPAE signature buffer',
    );
    return {
      summary: `REGISTER → 401 TLS-DSK (targetname ${target}, version ${version}) → ${keys.protocol} ${keys.cipher} → forged signature refused (${forged.status}) → signed 200 OK, rspauth verified`,
      transcript,
    };
  } finally {
    conn.close();
  }
}

export const SIP_FLOWS: Requirement[] = [
  {
    id: 'FLOW-05-SIP-TLSDSK',
    section: '3.1.4.1',
    level: 'MUST',
    category: 'flow',
    enforces: ['OCAUTH-3.3.4-01'],
    text: 'The SIP leg of a sign-in with the certificate GetAndPublishCert issued: REGISTER → 401 TLS-DSK challenge with sts-uri → TLS-DSK legs in gssapi-data → a REGISTER signed with the wrong key refused → REGISTER signed with the client key → 200 OK signed with the server key ([MS-SIPAE])',
    async check(ctx: RunContext) {
      // The registrar: --sip HOST:PORT, else the one the pool's Autodiscover names (SipClientInternalAccess,
      // SipServerInternalAccess, then the external ones), as a client finds it (discovery.ts).
      let candidates: { host: string; port: number }[];
      let from = '--sip';
      if (ctx.target.sip) candidates = [ctx.target.sip];
      else {
        const url = paths(ctx.target).autodiscover;
        let found: Awaited<ReturnType<typeof fetchAutodiscover>>;
        try {
          found = await fetchAutodiscover(url, { ca: ctx.target.ca });
        } catch (e) {
          manual(`needs the pool's SIP registrar: its Autodiscover (${url}) did not answer (${(e as Error).message.slice(0, 160)}); give --sip HOST:PORT`);
        }
        candidates = registrarCandidates(found.sip);
        if (candidates.length === 0)
          manual(
            `needs the pool's SIP registrar: its Autodiscover (${url}) names no SIP access point (SipServerInternalAccess / SipClientExternalAccess …); give --sip HOST:PORT`,
          );
        from = 'Autodiscover';
      }
      const c = await ctx.certificate();
      const unanswered: string[] = [];
      for (const sip of candidates) {
        try {
          const r = await runSipLeg({
            host: sip.host,
            port: sip.port,
            ca: ctx.target.ca,
            sipUri: ctx.requireUser(),
            certificatePem: c.certificatePem,
            privateKey: c.privateKey,
            clientCertificate: c.certificate,
          });
          return `registrar ${sip.host}:${sip.port} (from ${from}): ${r.summary}`;
        } catch (e) {
          // An access point that does not answer at all (e.g. the Edge seen from inside, or a firewall between the
          // runner and the pool): the next one; if none answers the leg could not be checked from here (manual).
          // Anything after the TCP connection (TLS, SIP, TLS-DSK) is the registrar's answer: a failure.
          const code = (e as { code?: string }).code ?? '';
          if (from === 'Autodiscover' && ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EAI_AGAIN'].includes(code)) {
            unanswered.push(`${sip.host}:${sip.port} ${code}`);
            continue;
          }
          throw Object.assign(e as Error, { message: `registrar ${sip.host}:${sip.port} (from ${from}): ${(e as Error).message}` });
        }
      }
      manual(
        `the SIP registrar(s) the pool's Autodiscover names do not answer from here (registrar ${unanswered.join(', ')} (from Autodiscover)); check the network path or give --sip HOST:PORT`,
      );
    },
  },
];
