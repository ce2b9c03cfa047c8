// MS-OCAUTHWS 3.2.4.1 error reporting: the X-Ms-diagnostics grammar and the certificate (2)
// authentication errors 28011–28015 of the Cert binding. Answers are read here (own regular
// expressions over the raw header and body), not with @ocauth/diagnostics.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { buildAddressingHeaders, buildEnvelope, URI, WebTicketClient } from '@ocauth/wstrust';
import { CheckFailed, expectThat, manual, type RawResponse, type RunContext } from '../context.js';
import type { Requirement } from '../requirements.js';
import { hasOpenSsl } from '../openssl-registrar.js';

/** X-Ms-diagnostics read here: the ErrorId first (1*DIGIT), then source / reason / fault, named (`source="…"`) or positional. */
export function readDiagnostics(h: string | null): { errorId: number; source?: string; reason?: string; fault?: string; named: boolean } | undefined {
  if (h === null) return undefined;
  const m = /^\s*(\d+)\s*(?:;(.*))?$/s.exec(h);
  if (!m) return undefined;
  const rest = m[2] ?? '';
  const named = /(^|;)\s*source\s*=/.test(rest);
  if (named) {
    const v = (k: string) => new RegExp(`(?:^|;)\\s*${k}\\s*=\\s*"([^"]*)"`).exec(rest)?.[1];
    return { errorId: Number(m[1]), named, ...opt('source', v('source')), ...opt('reason', v('reason')), ...opt('fault', v('fault')) };
  }
  const parts = [...rest.matchAll(/"([^"]*)"/g)].map((x) => x[1]!);
  return { errorId: Number(m[1]), named, ...opt('source', parts[0]), ...opt('reason', parts[1]), ...opt('fault', parts[2]) };
}
const opt = <K extends string>(k: K, v: string | undefined) => (v === undefined ? {} : ({ [k]: v } as Record<K, string>));

const errorIdOf = (r: RawResponse) =>
  readDiagnostics(r.headers.get('x-ms-diagnostics'))?.errorId ??
  (/<(?:[\w-]+:)?ErrorId>\s*(\d+)\s*</.exec(r.text) ? Number(/<(?:[\w-]+:)?ErrorId>\s*(\d+)\s*</.exec(r.text)![1]) : undefined);
const faultcodeOf = (r: RawResponse) => /<(?:[\w-]+:)?(?:faultcode|Value)\b[^>]*>\s*([^<\s]+)\s*</.exec(r.text)?.[1];
const show = (r: RawResponse) =>
  `HTTP ${r.status}${r.headers.get('x-ms-diagnostics') ? `, X-Ms-diagnostics ${r.headers.get('x-ms-diagnostics')!.slice(0, 160)}` : ''}${faultcodeOf(r) ? `, faultcode ${faultcodeOf(r)}` : ''}`;

/** A Cert-binding IssueToken with the given certificate (signed with its key by the @ocauth/wstrust client), answered raw. */
async function certBinding(
  ctx: RunContext,
  cred: { certificate: string; privateKey: string | import('node:crypto').KeyObject },
  clock?: () => Date,
): Promise<RawResponse> {
  let raw: RawResponse | undefined;
  const f = (async (u: string | URL | Request, init?: RequestInit) => {
    const r = await ctx.fetch(u, init);
    raw = { status: r.status, headers: r.headers, text: await r.clone().text() };
    return r;
  }) as typeof fetch;
  await new WebTicketClient({ credentials: { type: 'certificate', ...cred }, fetch: f, ...(clock ? { clock } : {}) })
    .requestTicket(ctx.paths.certProv, ctx.paths.webTicket)
    .catch(() => undefined);
  expectThat(raw, 'Cert binding: expected an answer from the Web Ticket Service');
  return raw;
}

/** The Cert binding must refuse with `errorId` (wsse:FailedAuthentication), no ticket. */
function expectCertError(r: RawResponse, errorId: number, what: string): string {
  expectThat(!/RequestedSecurityToken/.test(r.text), `${what}: expected no ticket, received one`);
  const id = errorIdOf(r);
  expectThat(id === errorId, `${what}: expected ErrorId ${errorId} (3.2.4.1 certificate (2) authentication errors), received ${id ?? 'none'} (${show(r)})`);
  const fc = faultcodeOf(r);
  expectThat(!fc || /FailedAuthentication$/.test(fc), `${what}: expected faultcode wsse:FailedAuthentication, received ${fc}`);
  return `ErrorId ${id}`;
}

/** A self-signed certificate for `cn` made by openssl (a certificate the UAS did not sign). */
function foreignCertificate(cn: string): { certificate: string; privateKey: string } {
  if (!hasOpenSsl()) manual('making a certificate the pool did not sign needs the openssl binary');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', '-', '-out', '-', '-subj', `/CN=${cn}`, '-days', '2'], {
    encoding: 'utf8',
  });
  const key = /-----BEGIN PRIVATE KEY-----[\s\S]*?-----END PRIVATE KEY-----/.exec(r.stdout)?.[0];
  const cert = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(r.stdout)?.[0];
  if (!key || !cert) throw new CheckFailed(`openssl req -x509: expected a key and a certificate, received ${r.stderr.slice(0, 120)}`);
  return { certificate: cert, privateKey: key };
}

const TABLE = 'The following table lists certificate (2) authentication errors while processing the contents of a certificate (2) signed by the UAS.';

export const WEB_TICKET_ERROR_CHECKS: readonly Requirement[] = [
  {
    id: 'OCAUTH-3.2.4.1-DIAG-01',
    section: '3.2.4.1',
    level: 'MUST',
    text: 'X-Ms-diagnostics = errorId ";" source ";" reason ";" fault errorId = 1*DIGIT source = DQUOTE 1*(ALPHA / DIGIT / "-" / "." / "_" / "~") DQUOTE ; Fully qualified domain name of server',
    async check(ctx) {
      // Refusals of three services: a wrong PIN / password, a ticket signed with the wrong proof key at
      // CertProv, no ticket at the Authentication Broker.
      const samples: [string, RawResponse][] = [];
      samples.push(['Web Ticket Service, wrong credentials', await ctx.issueRaw(ctx.rst().xml, { pin: ctx.target.pin ? '0000000000' : 'wrong-password-x' })]);
      const broker = await ctx.post(
        ctx.paths.authBroker,
        `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:a="http://www.w3.org/2005/08/addressing"><s:Header><a:Action s:mustUnderstand="1">http://tempuri.org/IAuthBroker/CreateAuthBrokerSession</a:Action><a:MessageID>urn:uuid:${randomUUID()}</a:MessageID><a:To s:mustUnderstand="1">${ctx.paths.authBroker}</a:To></s:Header><s:Body><CreateAuthBrokerSession xmlns="http://tempuri.org/"/></s:Body></s:Envelope>`,
        { soapaction: '"http://tempuri.org/IAuthBroker/CreateAuthBrokerSession"' },
      );
      samples.push(['Authentication Broker, no web ticket', broker]);
      const bad: string[] = [];
      const seen: string[] = [];
      for (const [what, r] of samples) {
        const h = r.headers.get('x-ms-diagnostics');
        const d = readDiagnostics(h);
        if (!d) {
          bad.push(
            `${what}: expected X-Ms-diagnostics beginning with an ErrorId, received ${h === null ? 'none' : JSON.stringify(h.slice(0, 80))} (${show(r)})`,
          );
          continue;
        }
        if (!d.source || !/^[A-Za-z0-9._~-]+$/.test(d.source) || !(d.source.includes('.') || d.source.toLowerCase() === 'localhost'))
          bad.push(`${what}: source: expected the server's FQDN (1*(ALPHA / DIGIT / "-" / "." / "_" / "~")), received ${JSON.stringify(d.source ?? null)}`);
        if (d.fault !== undefined && !/^[A-Za-z]+:[A-Za-z]+$/.test(d.fault))
          bad.push(`${what}: fault: expected 1*ALPHA ":" 1*ALPHA, received ${JSON.stringify(d.fault)}`);
        seen.push(`${what}: ${d.errorId} source ${d.source}${d.named ? ' (named parameters)' : ''}`);
      }
      expectThat(bad.length === 0, bad.join('; '));
      return seen.join('; ');
    },
  },
  {
    id: 'OCAUTH-3.2.4.1-CERT-28011',
    section: '3.2.4.1',
    level: 'SHOULD',
    text: `${TABLE} faultcode ErrorId Reason wsse:FailedAuthentication 28011 The certificate (2) is expired.`,
    async check(ctx) {
      const clk = ctx.target.clock;
      if (!clk) manual("needs a certificate the pool issued that has expired: the pool's clock cannot be moved");
      const c = await ctx.certificate();
      const moved = Date.parse(c.certificate.validTo) - clk.now().getTime() + 86400_000;
      clk.advance(moved);
      try {
        return expectCertError(
          await certBinding(ctx, { certificate: c.certificatePem, privateKey: c.privateKey }, () => clk.now()),
          28011,
          'expired certificate',
        );
      } finally {
        clk.advance(-moved);
      }
    },
  },
  {
    id: 'OCAUTH-3.2.4.1-CERT-28012',
    section: '3.2.4.1',
    level: 'SHOULD',
    text: `${TABLE} faultcode ErrorId Reason ... wsse:FailedAuthentication 28012 The certificate (2) is invalid.`,
    async check(ctx) {
      const cred = foreignCertificate(ctx.requireUser().replace(/^sip:/i, ''));
      return expectCertError(await certBinding(ctx, cred), 28012, 'a certificate for the user the UAS did not sign');
    },
  },
  {
    id: 'OCAUTH-3.2.4.1-CERT-28013',
    section: '3.2.4.1',
    level: 'SHOULD',
    text: `${TABLE} faultcode ErrorId Reason ... wsse:FailedAuthentication 28013 The certificate (2) is not found.`,
    async check(ctx) {
      const url = `${ctx.paths.webTicket}/Cert`;
      const headers = buildAddressingHeaders({ action: URI.actionRstIssue, messageId: `urn:uuid:${randomUUID()}`, to: url });
      const r = await ctx.post(url, buildEnvelope({ headers, body: ctx.rst().xml }), { soapaction: `"${URI.actionRstIssue}"` });
      if (r.status === 404) manual('the pool offers no Cert binding at …/WebTicketService.svc/Cert');
      return expectCertError(r, 28013, 'Cert binding without a certificate');
    },
  },
  {
    id: 'OCAUTH-3.2.4.1-CERT-28014',
    section: '3.2.4.1',
    level: 'SHOULD',
    text: `${TABLE} faultcode ErrorId Reason ... wsse:FailedAuthentication 28014 The user was not found when queried in the database.`,
    async check(ctx) {
      const setEnabled = ctx.target.setUserEnabled;
      if (!setEnabled) manual("needs a user disabled after its certificate was issued; the runner cannot change the pool's users");
      const c = await ctx.certificate();
      await setEnabled(ctx.requireUser(), false);
      try {
        return expectCertError(await certBinding(ctx, { certificate: c.certificatePem, privateKey: c.privateKey }), 28014, 'certificate of a disabled user');
      } finally {
        await setEnabled(ctx.requireUser(), true);
      }
    },
  },
  {
    id: 'OCAUTH-3.2.4.1-CERT-28015',
    section: '3.2.4.1',
    level: 'SHOULD',
    text: `${TABLE} faultcode ErrorId Reason ... wsse:FailedAuthentication 28015 There was an internal error while processing a certificate (2) authentication or authorization provided by the UAS.`,
    async check() {
      manual('an internal error of the certificate store cannot be provoked from outside the pool');
    },
  },
];
