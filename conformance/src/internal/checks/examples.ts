// MS-OCAUTHWS section 4 examples sent to the target as the spec prints them, with only what must
// differ substituted (each substitution listed beside the check), and the answers compared structurally
// with the spec's: every element path of the printed response (namespace + local name) must be present.
import type { Document, Element } from '@xmldom/xmldom';
import { randomUUID } from 'node:crypto';
import { signMessage } from '@ocauth/wstrust';
import { CheckFailed, expectThat, manual, type RunContext } from '../context.js';
import type { Requirement } from '../requirements.js';
import { dom, signedBrokerClient, specFile } from './common.js';

const example = (name: string): string => specFile(name, 'spec example');
const parse = (xml: string, what: string): Document => dom(xml, what);
/** Element paths ({ns}local/{ns}local/…) of a document (or of its s:Body only), as a set. */
export function elementPaths(d: Document, bodyOnly = false): Set<string> {
  const out = new Set<string>();
  const walk = (e: Element, prefix: string) => {
    const p = `${prefix}/{${e.namespaceURI ?? ''}}${e.localName}`;
    out.add(p);
    for (const c of Array.from(e.childNodes)) if (c.nodeType === 1) walk(c as unknown as Element, p);
  };
  const start = bodyOnly
    ? (d.getElementsByTagNameNS('http://schemas.xmlsoap.org/soap/envelope/', 'Body')[0] as unknown as Element | undefined)
    : (d.documentElement as unknown as Element | null);
  if (start) walk(start, '');
  return out;
}

/** A printed Authentication Broker request made ours: To and MessageID substituted, the printed wsse:Security replaced by our ticket's, proof-of-possession signed. */
async function brokerRequestAsPrinted(
  ctx: RunContext,
  printed: string,
  ticket: { proofKey: Uint8Array; assertionId: string; assertionXml: string },
  sessionId?: string,
): Promise<{ envelope: string; body: string }> {
  let env = printed
    .replace(/<(\w+:)?Security\b[\s\S]*<\/\1?Security>\s*/, '')
    .replace(/(<(?:\w+:)?To\b[^>]*>)[^<]*/, `$1${ctx.paths.authBroker}`)
    .replace(/(<(?:\w+:)?MessageID\b[^>]*>)[^<]*/, `$1urn:uuid:${randomUUID()}`);
  if (sessionId) env = env.replace(/(<(sessionid|sessionID)>)[^<]*(<\/\2>)/, `$1${sessionId}$3`);
  const body = env.slice(env.indexOf('<s:Body'));
  return {
    envelope: signMessage({ envelope: env, proofKey: ticket.proofKey, assertionId: ticket.assertionId, token: ticket.assertionXml, now: new Date() }),
    body,
  };
}

export const EXAMPLE_REPLAY_CHECKS: readonly Requirement[] = [
  {
    id: 'EX-4.1-02',
    section: '4.1',
    level: 'MUST',
    category: 'example',
    enforces: ['OCAUTH-3.1.4.1-03', 'OCAUTH-3.1.4.1.2.4-01'],
    text: '4.1.1 GetAndPublishCert request sent as printed (its PKCS#10, DeviceId and RequestID unchanged) is answered with a response of the structure of 4.1.2. Substituted: the To address (this pool), Entity (the test user, bound to the ticket), and a wsse:Security header (ticket, Timestamp, proof-of-possession signature) added',
    async check(ctx) {
      const printed = example('4.1-get-and-publish-cert-request.xml');
      const user = ctx.requireUser().replace(/^sip:/i, '');
      const subs: [RegExp, string][] = [
        [/(<To\b[^>]*>)[^<]*(<\/To>)/, `$1${ctx.paths.certProv}$2`],
        [/(<GetAndPublishCert\b[^>]*\bEntity=")[^"]*(")/, `$1${user}$2`],
      ];
      let req = printed;
      for (const [re, to] of subs) {
        expectThat(re.test(req), `4.1.1: expected ${re} in the printed request`);
        req = req.replace(re, to);
      }
      const t = await ctx.freshTicket();
      const signed = signMessage({ envelope: req, proofKey: t.proofKey, assertionId: t.assertionId, token: t.assertionXml, now: new Date() });
      // Everything but the three substitutions and the added header is the printed text, byte for byte.
      expectThat(signed.includes(req.slice(req.indexOf('<s:Body'))), '4.1.1: expected the printed s:Body (Entity substituted) to be sent byte for byte');
      const r = await ctx.post(ctx.paths.certProv, signed, { soapaction: '"http://schemas.microsoft.com/OCS/AuthWebServices/GetAndPublishCert"' });
      expectThat(r.status === 200, `4.1.1 as printed: expected HTTP 200, received ${r.status} ${r.text.slice(0, 200)}`);
      const got = parse(r.text, 'GetAndPublishCertResponse');
      const want = parse(example('4.1-get-and-publish-cert-response.xml'), '4.1.2');
      const have = elementPaths(got);
      const missing = [...elementPaths(want)].filter((p) => !have.has(p));
      expectThat(missing.length === 0, `response: expected every element of 4.1.2, missing ${missing.map((p) => p.replace(/\{[^}]*\}/g, '')).join(', ')}`);
      const resp = got.getElementsByTagNameNS('http://schemas.microsoft.com/OCS/AuthWebServices/', 'GetAndPublishCertResponse')[0] as unknown as Element;
      const printedDevice = /DeviceId="([^"]+)"/.exec(printed)![1];
      expectThat(
        resp.getAttribute('DeviceId') === printedDevice && resp.getAttribute('Entity')?.toLowerCase() === user.toLowerCase(),
        `response: expected DeviceId ${printedDevice} and Entity ${user} echoed, received ${resp.getAttribute('DeviceId')} ${resp.getAttribute('Entity')}`,
      );
      const disp = /<(?:\w+:)?DispositionMessage\b[^>]*>([^<]*)</.exec(r.text)?.[1];
      expectThat(disp === 'Issued', `response: expected DispositionMessage Issued as in 4.1.2, received ${disp ?? 'none'}`);
      return `${elementPaths(want).size} element paths of 4.1.2 present; substituted To, Entity, wsse:Security`;
    },
  },
  {
    id: 'EX-4.3-02',
    section: '4.3',
    level: 'MUST',
    category: 'example',
    enforces: ['OCAUTH-3.3.4-01', 'OCAUTH-3.3.4.2-01', 'OCAUTH-3.3.4.3-01'],
    text: "4.3.1, 4.5.1 and 4.4.1 sent as printed, in the order of a session (create, acquire the credential, terminate), each answered with a response of the structure of 4.3.2, 4.5.2 and 4.4.2. Substituted: To, MessageID, the session id of 4.5.1 and 4.4.1 (the one 4.3.2 returned), and the wsse:Security header (this pool's ticket, Timestamp, proof-of-possession signature)",
    async check(ctx) {
      const t = await ctx.client(ctx.anyCredentials()).requestTicket(ctx.paths.authBroker, ctx.paths.webTicket);
      const steps: [string, string, string][] = [
        ['4.3', '4.3-create-auth-broker-session', 'http://tempuri.org/IAuthBroker/CreateAuthBrokerSession'],
        ['4.5', '4.5-auth-broker-acquire-credential', 'http://tempuri.org/IAuthBroker/AuthBrokerAcquireCredential'],
        ['4.4', '4.4-terminate-auth-broker-session', 'http://tempuri.org/IAuthBroker/TerminateAuthBrokerSession'],
      ];
      let sessionId: string | undefined;
      const notes: string[] = [];
      for (const [n, file, action] of steps) {
        const printed = example(`${file}-request.xml`);
        const { envelope, body } = await brokerRequestAsPrinted(ctx, printed, t, sessionId);
        expectThat(envelope.includes(body), `${n}.1: expected the printed s:Body to be sent byte for byte`);
        const r = await ctx.post(ctx.paths.authBroker, envelope, { soapaction: `"${action}"` });
        expectThat(r.status === 200, `${n}.1 as printed: expected HTTP 200, received ${r.status} ${r.text.slice(0, 240)}`);
        const got = elementPaths(parse(r.text, `${n}.2`), true);
        const want = elementPaths(parse(example(`${file}-response.xml`), `${n}.2 printed`), true);
        const missing = [...want].filter((p) => !got.has(p));
        expectThat(
          missing.length === 0,
          `${n}.2: expected every element of the printed response body, missing ${missing.map((p) => p.replace(/\{[^}]*\}/g, '')).join(', ')}`,
        );
        if (n === '4.3') {
          sessionId = /<(?:\w+:)?SessionId>([^<]+)</.exec(r.text)?.[1];
          expectThat(sessionId, '4.3.2: expected a SessionId');
        }
        notes.push(`${n}: ${want.size} body elements`);
      }
      return notes.join('; ');
    },
  },
  {
    id: 'EX-4.2-02',
    section: '4.2',
    level: 'MUST',
    category: 'example',
    enforces: ['OCAUTH-3.2.4.1.3.4-01', 'OCAUTH-3.2.4.1.3.4-02', 'OCAUTH-3.2.4.1.3.4-03'],
    text: '4.2.1 IssueToken request sent as printed (its Context, 2005/02 RequestType, Entropy and KeyType unchanged) is answered with a response of the structure of 4.2.2. Substituted: the wsp:AppliesTo address (a service of this pool: the printed one names pool0.vdomain.com); the credentials travel in the HTTP Authorization header of the Pin binding (or a wsse:Security UsernameToken on the Auth binding), outside the printed envelope',
    async check(ctx) {
      const printed = example('4.2-issue-token-request.xml');
      const re = /(<Address>)[^<]*(<\/Address>)/;
      expectThat(re.test(printed), '4.2.1: expected the wsp:AppliesTo address in the printed request');
      const req = printed.replace(re, `$1${ctx.paths.certProv}$2`);
      const body = /<RequestSecurityToken\b[\s\S]*<\/RequestSecurityToken>/.exec(req)![0];
      // issueRaw wraps the printed RST in an envelope with WS-Addressing headers (and the UsernameToken on /Auth):
      // the RST element itself is sent byte for byte.
      const r = await ctx.issueRaw(body);
      expectThat(r.status === 200, `4.2.1 as printed: expected HTTP 200, received ${r.status} ${r.text.slice(0, 200)}`);
      const got = parse(r.text, 'IssueToken response');
      const want = parse(example('4.2-issue-token-response.xml'), '4.2.2');
      // The saml:Assertion is an opaque token to the client (3.2.4.1.3.4): its inside is compared by EX-4.2-01/
      // the ticket checks, the RSTR around it here.
      const outside = (paths: Set<string>) => new Set([...paths].filter((p) => !/\}Assertion\/./.test(p)));
      const have = outside(elementPaths(got, true));
      const missing = [...outside(elementPaths(want, true))].filter((p) => !have.has(p));
      expectThat(
        missing.length === 0,
        `response: expected every element of 4.2.2 (outside the assertion), missing ${missing.map((p) => p.replace(/\{[^}]*\}/g, '')).join(', ')}`,
      );
      const context = /<RequestSecurityToken\b[^>]*\bContext="([^"]+)"/.exec(printed)![1];
      const rstr = got.getElementsByTagNameNS('http://docs.oasis-open.org/ws-sx/ws-trust/200512', 'RequestSecurityTokenResponse')[0] as unknown as
        | Element
        | undefined;
      expectThat(
        rstr?.getAttribute('Context') === context,
        `response: expected the printed Context ${context} echoed as in 4.2.2, received ${rstr?.getAttribute('Context') ?? 'none'}`,
      );
      return `${missing.length === 0 ? outside(elementPaths(want, true)).size : 0} element paths of 4.2.2 present; substituted the AppliesTo address`;
    },
  },
  {
    id: 'EX-4.6-02',
    section: '4.6',
    level: 'MUST',
    category: 'example',
    enforces: ['OCAUTH-3.3.4.4-01'],
    text: "4.6.1 AuthBrokerNegotiateSecurityAssociation sent as printed on every leg of a TLS-DSK negotiation with the registrar; the final answer has the structure of 4.6.2. Substituted: To, MessageID, sessionid (from CreateAuthBrokerSession), target (the registrar), input (the registrar's gssapi-data of this handshake; left out on the first leg, which has none: the printed one belongs to another handshake), and the wsse:Security header",
    async check(ctx) {
      if (!ctx.target.registrar) manual('the TLS-DSK legs need a SIP registrar peer the runner controls (openssl s_server on the embedded target)');
      const t = await ctx.client(ctx.anyCredentials()).requestTicket(ctx.paths.authBroker, ctx.paths.webTicket);
      const c = signedBrokerClient(ctx, t);
      const { sessionId } = await c.createSession();
      await c.acquireCredential(sessionId, '71F297D2-197D-545B-AA97-5701F5B5134D');
      const peer = ctx.target.registrar('TLSv1');
      const printed = example('4.6-auth-broker-negotiate-security-association-request.xml');
      const want = elementPaths(parse(example('4.6-auth-broker-negotiate-security-association-response.xml'), '4.6.2 printed'), true);
      let input = '';
      let last: Awaited<ReturnType<typeof peer.respond>> | undefined;
      try {
        for (let leg = 1; leg <= 8; leg++) {
          const mine = printed.replace(/(<target>)[^<]*(<\/target>)/, '$1sip.contoso.test$2').replace(/(<input>)[^<]*(<\/input>)/, input ? `$1${input}$2` : '');
          const { envelope, body } = await brokerRequestAsPrinted(ctx, mine, t, sessionId);
          expectThat(envelope.includes(body), `4.6.1 leg ${leg}: expected the printed s:Body (substituted) to be sent byte for byte`);
          const r = await ctx.post(ctx.paths.authBroker, envelope, { soapaction: '"http://tempuri.org/IAuthBroker/AuthBrokerNegotiateSecurityAssociation"' });
          expectThat(r.status === 200, `4.6.1 leg ${leg} as printed: expected HTTP 200, received ${r.status} ${r.text.slice(0, 240)}`);
          const status = Number(/<(?:\w+:)?SecurityStatus>\s*(-?\d+)\s*</.exec(r.text)?.[1]);
          const out = /<(?:\w+:)?OutString>([^<]*)</.exec(r.text)?.[1] ?? '';
          if (status === 0) {
            if (out) last = await peer.respond(out);
            const got = elementPaths(parse(r.text, '4.6.2'), true);
            const missing = [...want].filter((p) => !got.has(p));
            expectThat(
              missing.length === 0,
              `final answer: expected every element of 4.6.2, missing ${missing.map((p) => p.replace(/\{[^}]*\}/g, '')).join(', ')}`,
            );
            const key = (n: string) => Buffer.from(new RegExp(`<(?:\\w+:)?${n}>([^<]*)<`).exec(r.text)?.[1] ?? '', 'base64').toString('hex');
            expectThat(
              last?.keys &&
                key('ClientSigningKey') === Buffer.from(last.keys.clientSigningKey).toString('hex') &&
                key('ServerSigningKey') === Buffer.from(last.keys.serverSigningKey).toString('hex'),
              'final answer: expected ClientSigningKey / ServerSigningKey equal to the key block the registrar (openssl) exported',
            );
            return `${leg} legs as printed; ${want.size} body elements of 4.6.2 present; signing keys equal to the registrar's`;
          }
          expectThat(status === 0x00090312, `4.6.1 leg ${leg}: expected SEC_I_CONTINUE_NEEDED or SEC_E_OK, received SecurityStatus ${status}`);
          last = await peer.respond(out);
          input = last.gssapiData;
        }
        throw new CheckFailed('4.6.1: expected the negotiation to complete within 8 legs');
      } finally {
        await c.terminateSession(sessionId).catch(() => undefined);
      }
    },
  },
];
