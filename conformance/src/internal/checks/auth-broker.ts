// MS-OCAUTHWS 3.3 Authentication Broker Service: sessions, credentials and the TLS-DSK negotiation.
import { randomBytes } from 'node:crypto';
import { signMessage } from '@ocauth/wstrust';
import { AuthBrokerClient } from '@ocauth/authbroker';
import { SecurityStatus } from '@ocauth/diagnostics';
import { expectThat, manual } from '../context.js';
import type { Requirement } from '../requirements.js';
import { SIP_INSTANCE, brokerClient, brokerHandshake, signedBrokerClient } from './common.js';

export const AUTH_BROKER_CHECKS: readonly Requirement[] = [
  {
    id: 'OCAUTH-3.3.4-01',
    section: '3.3.4',
    level: 'MUST',
    text: 'CreateAuthBrokerSession ... Creates a session to be used as part of the client authentication with the SIP server using TLS-DSK. ... AuthBrokerAcquireCredential ... Associates a specific SIPInstance with the session.',
    async check(ctx) {
      const t = await ctx.client(ctx.anyCredentials()).requestTicket(ctx.paths.authBroker, ctx.paths.webTicket);
      const c = signedBrokerClient(ctx, t);
      const { sessionId } = await c.createSession();
      const life = await c.acquireCredential(sessionId, SIP_INSTANCE);
      expectThat(life > 0, `AuthBrokerAcquireCredential: expected a positive credential lifetime, received ${life}`);
      await c.terminateSession(sessionId);
      const after = await c.negotiateSecurityAssociation(sessionId, 'sip.contoso.test');
      expectThat(
        after.securityStatus === SecurityStatus.InvalidHandle,
        `after TerminateAuthBrokerSession: expected SEC_E_INVALID_HANDLE, received ${after.securityStatus}`,
      );
    },
  },
  {
    id: 'OCAUTH-3.3.4-02',
    section: '3.3.4',
    level: 'MUST',
    text: 'After the client receives a Web ticket from the Web Ticket Service, the client MUST attach the Web ticket, as it would a SAML token, to its requests to a participating Web service. [editorial: the Authentication Broker is one]',
    async check(ctx) {
      const t = await ctx.client(ctx.anyCredentials()).requestTicket(ctx.paths.authBroker, ctx.paths.webTicket);
      const c = new AuthBrokerClient({
        url: ctx.paths.authBroker,
        webTicket: t.assertionXml,
        fetch: ctx.fetch,
        signEnvelope: (envelope, { webTicket, now }) => signMessage({ envelope, proofKey: randomBytes(32), assertionId: t.assertionId, token: webTicket, now }),
      });
      const e = await c.createSession().then(
        () => undefined,
        (x: unknown) => x as { httpStatus?: number; message: string },
      );
      expectThat(e, 'CreateAuthBrokerSession signed with a wrong proof key: expected a refusal, received a session');
      expectThat(e.httpStatus === 401 || /28032|Invalid/i.test(e.message), `expected 401 / 28032, received ${e.httpStatus} ${e.message}`);
    },
  },
  {
    id: 'OCAUTH-3.3.1-01',
    section: '3.3.1',
    level: 'SHOULD',
    text: 'The Authentication Broker Service SHOULD keep the following states: ... The session identifier of the user. ... A certificate store that can be used to save and retrieve certificates. ... The store of the challenge that is associated with the first AuthBrokerNegotiateSecurityAssociation ... that is used to generate the response for subsequent calls.',
    async check(ctx) {
      const { legs } = await brokerHandshake(ctx, 1);
      expectThat(legs >= 2, `TLS-DSK: expected a multi-leg negotiation over one session, received ${legs} leg(s)`);
      return `${legs} AuthBrokerNegotiateSecurityAssociation calls on one session`;
    },
  },
  {
    id: 'OCAUTH-3.3.2-01',
    section: '3.3.2',
    level: 'SHOULD',
    text: 'The server keeps track of the session using a session expiration timer that automatically terminates the session after a period of inactivity.',
    async check(ctx) {
      const clk = ctx.target.clock;
      const idle = ctx.target.brokerIdleSeconds;
      if (!clk || !idle)
        manual("the inactivity period is implementation-defined (minutes) and the pool's clock cannot be moved; waiting for it does not fit a conformance run");
      const t = await ctx.client(ctx.anyCredentials()).requestTicket(ctx.paths.authBroker, ctx.paths.webTicket);
      const c = signedBrokerClient(ctx, t, { clock: () => clk.now() });
      const { sessionId } = await c.createSession();
      await c.acquireCredential(sessionId, SIP_INSTANCE);
      const half = (idle * 1000) / 2 + 1000;
      const moved = [0];
      try {
        clk.advance(half);
        moved[0]! += half;
        const during = await c.negotiateSecurityAssociation(sessionId, 'sip.contoso.test');
        expectThat(
          during.securityStatus !== SecurityStatus.ContextExpired && during.securityStatus !== SecurityStatus.InvalidHandle,
          `after ${half / 1000} s of inactivity (< ${idle} s): expected the session alive, received status ${during.securityStatus}`,
        );
        clk.advance(idle * 1000 + 1000);
        moved[0]! += idle * 1000 + 1000;
        const after = await c.negotiateSecurityAssociation(sessionId, 'sip.contoso.test');
        expectThat(
          after.securityStatus === SecurityStatus.ContextExpired || after.securityStatus === SecurityStatus.InvalidHandle,
          `after ${idle + 1} s of inactivity: expected the session terminated (SEC_E_CONTEXT_EXPIRED / SEC_E_INVALID_HANDLE), received status ${after.securityStatus}`,
        );
        return `session alive after ${half / 1000} s idle, terminated after ${idle + 1} s (inactivity period ${idle} s)`;
      } finally {
        clk.advance(-moved[0]!);
      }
    },
  },
  {
    id: 'OCAUTH-3.3.4.2-01',
    section: '3.3.4.2',
    level: 'MUST',
    text: 'TerminateAuthBrokerSession ... Ends the client session with Authentication Broker Service.',
    async check(ctx) {
      const c = await brokerClient(ctx);
      const { sessionId } = await c.createSession();
      await c.acquireCredential(sessionId, SIP_INSTANCE);
      await c.terminateSession(sessionId);
      const after = await c.negotiateSecurityAssociation(sessionId, 'sip.contoso.test');
      expectThat(
        after.securityStatus === SecurityStatus.InvalidHandle,
        `after TerminateAuthBrokerSession: expected SEC_E_INVALID_HANDLE, received ${after.securityStatus}`,
      );
    },
  },
  {
    id: 'OCAUTH-3.3.4.3-01',
    section: '3.3.4.3',
    level: 'MUST',
    text: 'AuthBrokerAcquireCredentialResult: The remaining lifetime, in seconds, of the certificate on the server on the server. The value will be zero if the certificate has expired or if obtaining the certificate failed.',
    async check(ctx) {
      if (!ctx.target.registrar) {
        const c = await brokerClient(ctx);
        const { sessionId } = await c.createSession();
        const life = await c.acquireCredential(sessionId, SIP_INSTANCE);
        await c.terminateSession(sessionId);
        expectThat(life > 0 && life <= 10 * 366 * 86400, `AuthBrokerAcquireCredentialResult: expected a remaining lifetime in seconds (> 0), received ${life}`);
        manual(
          `AuthBrokerAcquireCredentialResult ${life}: its unit is judged against the certificate the broker presents in TLS-DSK, which needs a registrar peer`,
        );
      }
      // The certificate the broker authenticates with, as the registrar (openssl) saw it in the handshake.
      const t0 = Date.now();
      const { life, last } = await brokerHandshake(ctx, 1);
      const cert = last.clientCertificate;
      expectThat(cert, "registrar: expected the broker to present the user's certificate");
      const remaining = (Date.parse(cert.validTo) - t0) / 1000;
      expectThat(
        Math.abs(life - remaining) <= 300,
        `AuthBrokerAcquireCredentialResult: expected the certificate's remaining lifetime in seconds (~${remaining.toFixed(0)} s to ${cert.validTo}), received ${life}`,
      );
      return `${life} s; the certificate presented in TLS-DSK expires in ${remaining.toFixed(0)} s`;
    },
  },
  {
    id: 'OCAUTH-3.3.4.3-02',
    section: '3.3.4.3',
    level: 'MUST',
    text: 'AuthBrokerAcquireCredentialResult: ... The value will be zero if the certificate has expired or if obtaining the certificate failed.',
    async check(ctx) {
      // MS-OCAUTHWS 3.3.4.3 (and CertProv's AccountDisabled, 3.1.4.1.4.1): a disabled account obtains no
      // certificate, not even the one the broker obtained for it a moment ago. Two outcomes conform: Result 0,
      // or the request refused earlier, at the ticket (3.2: HTTP 401 or a SOAP fault, X-Ms-diagnostics; this is
      // what ocauth-server does, its broker re-checks the account on every call). A positive lifetime does not.
      const set = ctx.target.setUserEnabled;
      if (!set)
        manual(
          "needs a provisioned user the runner can disable during a broker session (Target.setUserEnabled); a pool's directory is not the runner's to change",
        );
      const user = ctx.requireUser();
      const t = await ctx.client(ctx.anyCredentials(), { sipUri: user }).requestTicket(ctx.paths.authBroker, ctx.paths.webTicket);
      // The raw answers, read here (status, X-Ms-diagnostics, body), not through the client's parser.
      const seen: { status: number; diagnostics: string | null; text: string }[] = [];
      const recording: typeof fetch = async (input, init) => {
        const res = await ctx.fetch(input, init);
        const text = await res.text();
        seen.push({ status: res.status, diagnostics: res.headers.get('x-ms-diagnostics'), text });
        return new Response(text, { status: res.status, statusText: res.statusText, headers: res.headers });
      };
      const c = signedBrokerClient(ctx, t, { fetch: recording });
      const resultOf = (text: string) => /<(?:[\w-]+:)?AuthBrokerAcquireCredentialResult\b[^>]*>\s*(-?\d+)\s*</.exec(text)?.[1];
      // Enabled: the broker obtains the user's certificate (and keeps it).
      const first = await c.createSession();
      await c.acquireCredential(first.sessionId, SIP_INSTANCE);
      const before = resultOf(seen.at(-1)!.text);
      expectThat(
        before !== undefined && Number(before) > 0,
        `enabled account: expected a positive AuthBrokerAcquireCredentialResult, received ${before ?? seen.at(-1)!.status}`,
      );
      const second = await c.createSession();
      await set(user, false);
      try {
        await c.acquireCredential(second.sessionId, SIP_INSTANCE).catch(() => undefined);
        const last = seen.at(-1)!;
        const result = resultOf(last.text);
        if (last.status === 200 && result !== undefined) {
          expectThat(
            Number(result) === 0,
            `account disabled after its certificate was obtained: expected AuthBrokerAcquireCredentialResult 0, received ${result} (a certificate handed out)`,
          );
          return `Result 0 for the disabled account (${before} s before it was disabled)`;
        }
        expectThat(
          result === undefined && last.status >= 400,
          `account disabled: expected Result 0 or a refusal, received HTTP ${last.status} ${last.text.slice(0, 200)}`,
        );
        return `refused before the operation: HTTP ${last.status}${last.diagnostics ? `, X-Ms-diagnostics ${last.diagnostics}` : ''} (3.2); no lifetime handed out`;
      } finally {
        await set(user, true);
        await c.terminateSession(first.sessionId).catch(() => undefined);
        await c.terminateSession(second.sessionId).catch(() => undefined);
      }
    },
  },
  {
    id: 'OCAUTH-3.3.4.4-01',
    section: '3.3.4.4',
    level: 'MUST',
    text: 'AuthBrokerNegotiateSecurityAssociation ... Provides gssapi response data for challenges issues by the SIP server and client and server authentication keys once the handshake is complete.',
    async check(ctx) {
      const { keys } = await brokerHandshake(ctx, 1);
      return `TLS 1.0, ${keys.hashAlgorithm ?? 'SHA1'} signing keys equal to the registrar's`;
    },
  },
  {
    id: 'OCAUTH-3.3.4.5-01',
    section: '3.3.4.5',
    level: 'SHOULD',
    text: 'CreateAuthBrokerSessionV2 ... Creates a session to be used as part of the client authentication with the SIP server using TLS-DSK. Supports TLS 1.2.',
    async check(ctx) {
      const { keys, last } = await brokerHandshake(ctx, 2);
      expectThat(last.keys?.protocol === 'TLSv1.2', `V2: expected a TLS 1.2 handshake, received ${last.keys?.protocol}`);
      return `TLS 1.2, ${keys.hashAlgorithm} signing keys`;
    },
  },
];
