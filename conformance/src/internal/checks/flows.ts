// End-to-end flows (ticket → certificate → broker) and the request shapes of real clients (DESIGN.md field notes).
import { randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import { URI, WebTicketClient } from '@ocauth/wstrust';
import { requestCertificate } from '@ocauth/certprov';
import { expectThat, manual } from '../context.js';
import type { Requirement } from '../requirements.js';
import { SIP_INSTANCE, show, certProvAnswer, chainUp, signedBrokerClient } from './common.js';

export const FLOW_CHECKS: readonly Requirement[] = [
  {
    id: 'FLOW-01-TICKET',
    section: '3.2.4.1',
    level: 'MUST',
    category: 'flow',
    enforces: ['OCAUTH-3.2.4.1-01'],
    text: 'Web ticket through every binding the service metadata offers and the runner has credentials for: Pin, Auth (UsernameToken); Cert is FLOW-04; WinNegotiate skipped without Windows credentials',
    async check(ctx) {
      const r = await ctx.fetch(`${ctx.paths.webTicket}?wsdl`);
      const wsdl = await r.text();
      const offered = new Set(
        [...wsdl.matchAll(/<[\w:]*address\b[^>]*location="([^"]+)"/g)].map((m) => /\/(Pin|Auth|Cert|Anon|WinNegotiate)$/i.exec(m[1]!)?.[1] ?? 'WinNegotiate'),
      );
      expectThat(r.status === 200 && offered.size > 0, `GET ?wsdl: expected the Web Ticket Service metadata with its ports, received HTTP ${r.status}`);
      const done: string[] = [];
      const skipped: string[] = [];
      if (offered.has('Pin')) {
        if (ctx.target.pin) {
          await ctx.client(ctx.pinCredentials(), { sipUri: ctx.requireUser() }).requestTicket(ctx.paths.certProv, ctx.paths.webTicket);
          done.push('Pin');
        } else skipped.push('Pin (no --pin)');
      }
      if (offered.has('Auth')) {
        if (ctx.target.password) {
          await ctx.client(ctx.passwordCredentials()).requestTicket(ctx.paths.certProv, ctx.paths.webTicket);
          done.push('Auth');
        } else skipped.push('Auth (no --password)');
      }
      if (offered.has('WinNegotiate')) skipped.push('WinNegotiate (no Windows credentials)');
      if (offered.has('Cert')) skipped.push('Cert (see FLOW-04-CERT-BINDING)');
      expectThat(done.length > 0, `no binding exercised: the service offers ${[...offered].join(', ')}; give --pin and/or --password`);
      return `offered ${[...offered].join(', ')}; ticket via ${done.join(', ')}; skipped ${skipped.join(', ') || 'none'}`;
    },
  },
  {
    id: 'FLOW-02-CERT',
    section: '3.1.4.1',
    level: 'MUST',
    category: 'flow',
    enforces: ['OCAUTH-3.1.4.1.2.4-05'],
    text: 'ticket → GetAndPublishCert → certificate for the user, matching the private key, chaining to the issuer',
    async check(ctx) {
      const c = await ctx.certificate();
      expectThat(c.certificate.checkPrivateKey(c.privateKey), "issued certificate: expected it to carry the CSR's public key");
      const entity = ctx.requireUser().replace(/^sip:/i, '').toLowerCase();
      expectThat(
        /(?:^|\n)CN=([^\n]*)/.exec(c.certificate.subject)?.[1]?.toLowerCase() === entity,
        `issued certificate: expected CN=${entity}, received ${c.certificate.subject.replace(/\n/g, ',')}`,
      );
      // The chain: from the leaf up to a self-signed root, through the certificates the response carries
      // (and --issuer-ca for a pool that sends none), every signature verified by Node's X509Certificate.
      const pool = [...certProvAnswer(c.rawResponse).chain(), ...(ctx.target.issuerCertificates ?? []).map((p) => new X509Certificate(p))];
      expectThat(
        pool.length > 0 || !ctx.target.embedded,
        "GetAndPublishCertResponse: expected the issuing CA's chain (PKCS#7) from the reference server, received none",
      );
      if (pool.length === 0) manual('the response carries no CA chain and no --issuer-ca was given: the chain cannot be checked');
      const chain = chainUp(c.certificate, pool);
      expectThat(
        chain,
        `issued certificate: expected a chain to a self-signed root through the ${pool.length} CA certificate(s) at hand, found none (issuer ${c.certificate.issuer.replace(/\n/g, ',')})`,
      );
      return `chain: ${chain.map((x) => /CN=([^\n]*)/.exec(x.subject)?.[1] ?? x.subject).join(' → ')}`;
    },
  },
  {
    id: 'FLOW-03-BROKER',
    section: '3.3.4',
    level: 'MUST',
    category: 'flow',
    enforces: ['OCAUTH-3.3.4-01'],
    text: 'ticket → CreateAuthBrokerSession → AuthBrokerAcquireCredential → AuthBrokerNegotiateSecurityAssociation (TLS-DSK with a registrar peer): both sides derive the same signing keys',
    async check(ctx) {
      if (!ctx.target.registrar) manual("the TLS-DSK leg needs the pool's SIP registrar (not reachable over HTTPS); run against the embedded target");
      const t = await ctx.client(ctx.anyCredentials()).requestTicket(ctx.paths.authBroker, ctx.paths.webTicket);
      const c = signedBrokerClient(ctx, t);
      const { sessionId } = await c.createSession();
      await c.acquireCredential(sessionId, SIP_INSTANCE);
      const peer = ctx.target.registrar('TLSv1');
      let last: Awaited<ReturnType<typeof peer.respond>> | undefined;
      const keys = await c.handshake({
        sessionId,
        target: 'sip.contoso.test',
        version: 1,
        exchange: async (tok) => (last = await peer.respond(tok)).gssapiData,
      });
      expectThat(last?.done && last.keys, 'registrar: expected the handshake to complete');
      expectThat(
        Buffer.from(keys.clientSigningKey).equals(Buffer.from(last.keys.clientSigningKey)) &&
          Buffer.from(keys.serverSigningKey).equals(Buffer.from(last.keys.serverSigningKey)),
        'TLS-DSK: client and registrar signing keys differ',
      );
      await c.terminateSession(sessionId);
      return `client certificate ${last.clientCertificate?.subject.replace(/\n/g, ',')}`;
    },
  },
  {
    id: 'FLOW-04-CERT-BINDING',
    section: '3.2.4.1',
    level: 'MUST',
    category: 'flow',
    enforces: ['OCAUTH-3.2.4.1-01'],
    text: 'ticket via the Cert binding (OCS-signed certificate authentication) with the certificate issued by GetAndPublishCert',
    async check(ctx) {
      const c = await ctx.certificate();
      const t = await new WebTicketClient({
        credentials: { type: 'certificate', certificate: c.certificatePem, privateKey: c.privateKey },
        fetch: ctx.fetch,
      }).requestTicket(ctx.paths.certProv, ctx.paths.webTicket);
      expectThat(
        t.assertionXml.toLowerCase().includes(ctx.requireUser().replace(/^sip:/i, '').toLowerCase()),
        "Cert binding ticket: expected it to name the certificate's user",
      );
    },
  },
  {
    id: 'FLOW-INTEROP-SIPE',
    section: '3.2.4.1.3.3',
    level: 'SHOULD',
    category: 'flow',
    enforces: ['OCAUTH-3.2.4.1.3.3-09'],
    text: 'A SIPE-shaped RST is accepted: RequestType of the 2005/02 namespace inside the 2005/12 RST, 32-byte entropy, and the same wsa:MessageID on two requests',
    async check(ctx) {
      const messageId = `urn:uuid:${randomUUID()}`;
      for (const n of [1, 2]) {
        const r = await ctx.issueRaw(ctx.rst({ RequestType: URI.requestTypeIssue2005, Entropy: randomBytes(32) }).xml, { messageId });
        expectThat(r.status === 200 && r.text.includes('RequestedSecurityToken'), `SIPE-shaped RST #${n}: expected a ticket, received ${show(r)}`);
      }
    },
  },
  {
    id: 'FLOW-INTEROP-LYNC2013',
    section: '3.1.4.1.2.3',
    level: 'SHOULD',
    category: 'flow',
    enforces: ['OCAUTH-3.1.4.1.2.3-05'],
    text: 'A Lync 2013-shaped GetAndPublishCert is served: 2048-bit key, ValidityPeriod=Hours, ValidityPeriodUnits=4320 in the CSR; the validity is at most what was asked',
    async check(ctx) {
      const got = await requestCertificate({
        url: ctx.paths.certProv,
        sipUri: ctx.requireUser(),
        ticket: await ctx.freshTicket(),
        keySizeBits: 2048,
        validity: { period: 'Hours', units: 4320 },
        fetch: ctx.fetch,
      });
      const hours = (Date.parse(got.certificate.validTo) - Date.parse(got.certificate.validFrom)) / 3600_000;
      expectThat(hours > 0 && hours <= 4320 + 1, `validity: expected at most 4320 h, received ${hours.toFixed(1)} h`);
      return `validity ${hours.toFixed(0)} h`;
    },
  },
];
