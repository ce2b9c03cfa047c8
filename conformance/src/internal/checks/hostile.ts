// Hostile requests: forged, replayed, wrapped, truncated and oversized messages that every service must refuse.
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { signMessage, URI, WebTicketClient } from '@ocauth/wstrust';
import { ACTION_GET_AND_PUBLISH_CERT, generateCsr, requestCertificate } from '@ocauth/certprov';
import { expectThat, manual } from '../context.js';
import type { Requirement } from '../requirements.js';
import {
  NS_SOAP,
  faultCodes,
  errorIdOf,
  issued,
  show,
  certProvEnvelope,
  csrFor,
  signed,
  postCertProv,
  expectAuthRefused,
  expectErrorInfo,
  stillUp,
} from './common.js';

export const HOSTILE_CHECKS: readonly Requirement[] = [
  {
    id: 'HOSTILE-01-WRONG-PROOF-KEY',
    section: '3.2',
    level: 'MUST',
    category: 'hostile',
    enforces: ['OCAUTH-3.2-TICKET-04'],
    text: "GetAndPublishCert signed with a proof key other than the ticket's is refused (no certificate)",
    async check(ctx) {
      const { unsigned } = await certProvEnvelope(ctx);
      expectAuthRefused(await postCertProv(ctx, await signed(ctx, unsigned, { proofKey: randomBytes(32) })), 'wrong proof key');
    },
  },
  {
    id: 'HOSTILE-02-EXPIRED-TIMESTAMP',
    section: '3.2',
    level: 'MUST',
    category: 'hostile',
    enforces: ['OCAUTH-3.2-TICKET-04'],
    text: 'GetAndPublishCert whose wsu:Timestamp expired an hour ago is refused',
    async check(ctx) {
      const { unsigned } = await certProvEnvelope(ctx);
      expectAuthRefused(
        await postCertProv(ctx, await signed(ctx, unsigned, { now: new Date(Date.now() - 3 * 3600_000), ttlSeconds: 300 })),
        'expired Timestamp',
      );
    },
  },
  {
    id: 'HOSTILE-03-FUTURE-TIMESTAMP',
    section: '3.2',
    level: 'MUST',
    category: 'hostile',
    enforces: ['OCAUTH-3.2-TICKET-04'],
    text: 'GetAndPublishCert whose wsu:Timestamp is created an hour in the future is refused',
    async check(ctx) {
      const { unsigned } = await certProvEnvelope(ctx);
      expectAuthRefused(
        await postCertProv(ctx, await signed(ctx, unsigned, { now: new Date(Date.now() + 3 * 3600_000), ttlSeconds: 300 })),
        'future Timestamp',
      );
    },
  },
  {
    id: 'HOSTILE-04-TRUNCATED-HMAC',
    section: '3.2',
    level: 'MUST',
    category: 'hostile',
    enforces: ['OCAUTH-3.2-TICKET-04'],
    text: 'GetAndPublishCert whose HMAC SignatureValue is truncated to 80 bits is refused',
    async check(ctx) {
      const { unsigned } = await certProvEnvelope(ctx);
      const full = await signed(ctx, unsigned);
      // The message signature (HMAC over the Timestamp), not the ticket's own RSA signature.
      const hmacSig = [...full.matchAll(/<(\w+:)?Signature\b[\s\S]*?<\/\1?Signature>/g)].map((m) => m[0]).find((x) => /hmac-sha/.test(x));
      expectThat(hmacSig, 'request: expected an HMAC ds:Signature made with the proof key');
      const truncated = hmacSig.replace(
        /(<(?:\w+:)?SignatureValue>)([^<]+)/,
        (_m, a: string, v: string) => a + Buffer.from(v, 'base64').subarray(0, 10).toString('base64'),
      );
      expectAuthRefused(await postCertProv(ctx, full.replace(hmacSig, truncated)), 'truncated HMAC');
      // CVE-2009-0217 itself: ds:HMACOutputLength in SignedInfo asks the verifier to compare only that many
      // bits. 0 bits with an empty value, and 40 bits of a random value: a verifier honouring it accepts both.
      const withLength = (bits: number, value: string) =>
        hmacSig
          .replace(
            /(<(\w+:)?SignatureMethod\b[^>]*?)(\/>|>\s*<\/(?:\w+:)?SignatureMethod>)/,
            (_m, open: string, p: string | undefined) => `${open}><${p ?? ''}HMACOutputLength>${bits}</${p ?? ''}HMACOutputLength></${p ?? ''}SignatureMethod>`,
          )
          .replace(/(<(?:\w+:)?SignatureValue>)[^<]*/, `$1${value}`);
      expectThat(
        withLength(0, '') !== hmacSig && /HMACOutputLength>0</.test(withLength(0, '')),
        'request: expected to insert ds:HMACOutputLength into ds:SignatureMethod',
      );
      expectAuthRefused(await postCertProv(ctx, full.replace(hmacSig, withLength(0, ''))), 'HMACOutputLength 0');
      expectAuthRefused(await postCertProv(ctx, full.replace(hmacSig, withLength(40, randomBytes(5).toString('base64')))), 'HMACOutputLength 40');
    },
  },
  {
    id: 'HOSTILE-05-WRAPPING-DUP-TIMESTAMP',
    section: '3.2',
    level: 'MUST',
    category: 'hostile',
    enforces: ['OCAUTH-3.2-TICKET-04'],
    text: 'Signature wrapping: an old signed Timestamp moved into a wrapper element and a fresh unsigned Timestamp with the same Id is refused',
    async check(ctx) {
      const { unsigned } = await certProvEnvelope(ctx);
      const s = await signed(ctx, unsigned, { now: new Date(Date.now() - 3 * 3600_000) });
      const ts = /<(\w+:)?Timestamp\b[\s\S]*?<\/\1?Timestamp>/.exec(s)![0];
      const now = new Date();
      const fresh = ts
        .replace(/(<(?:\w+:)?Created>)[^<]*/, `$1${now.toISOString().replace(/\.\d+Z$/, 'Z')}`)
        .replace(/(<(?:\w+:)?Expires>)[^<]*/, `$1${new Date(now.getTime() + 300_000).toISOString().replace(/\.\d+Z$/, 'Z')}`);
      const wrapped = s.replace(ts, `${fresh}<Wrapper xmlns="urn:example:wrap">${ts}</Wrapper>`);
      expectAuthRefused(await postCertProv(ctx, wrapped), 'wrapped Timestamp');
      const dup = s.replace(ts, `${fresh}${ts}`);
      expectAuthRefused(await postCertProv(ctx, dup), 'duplicate Timestamp');
    },
  },
  {
    id: 'HOSTILE-06-WRAPPING-MOVED-ASSERTION',
    section: '3.2',
    level: 'MUST',
    category: 'hostile',
    enforces: ['OCAUTH-3.2-TICKET-01'],
    text: 'Signature wrapping of the ticket: the signed assertion moved into a wrapper and a forged assertion (other user) put in its place is refused',
    async check(ctx) {
      const { unsigned } = await certProvEnvelope(ctx);
      const s = await signed(ctx, unsigned);
      const a = /<(\w+:)?Assertion\b[\s\S]*?<\/\1?Assertion>/.exec(s)![0];
      const forged = a.replace(/(NameIdentifier[^>]*>)[^<]+/, '$1sip:mallory@contoso.invalid').replace(/<(\w+:)?Signature\b[\s\S]*?<\/\1?Signature>/, '');
      expectAuthRefused(await postCertProv(ctx, s.replace(a, `${forged}<Wrapper xmlns="urn:example:wrap">${a}</Wrapper>`)), 'moved assertion');
    },
  },
  {
    id: 'HOSTILE-07-DOCTYPE',
    section: '2.2',
    level: 'MUST',
    category: 'hostile',
    enforces: ['OCAUTH-3.2.4.1.3.3-02'],
    text: 'An RST carrying a DOCTYPE with an entity bomb (billion laughs) is refused promptly and the service stays up',
    async check(ctx) {
      const ents = Array.from({ length: 10 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`).join('');
      const bomb =
        `<?xml version="1.0"?><!DOCTYPE s:Envelope [<!ENTITY l0 "lol">${ents}]>` +
        `<s:Envelope xmlns:s="${NS_SOAP}"><s:Body><x>&l10;</x></s:Body></s:Envelope>`;
      const t0 = performance.now();
      const r = await ctx.post(`${ctx.paths.webTicket}/${ctx.target.pin ? 'Pin' : 'Auth'}`, bomb, { soapaction: `"${URI.actionRstIssue}"` });
      expectThat(r.status >= 400 && !r.text.includes('lollol'), `DOCTYPE: expected a 4xx/5xx fault without expansion, received ${show(r)}`);
      const r2 = await postCertProv(ctx, bomb);
      expectThat(!issued(r2) && (r2.status >= 400 || /ResponseCode/.test(r2.text)), `CertProv DOCTYPE: expected a refusal, received ${show(r2)}`);
      expectThat(performance.now() - t0 < 5000, 'DOCTYPE: expected a prompt refusal');
      await stillUp(ctx);
    },
  },
  {
    id: 'HOSTILE-08-OVERSIZED',
    section: '2.2',
    level: 'MUST',
    category: 'hostile',
    enforces: ['OCAUTH-3.2.4.1.3.3-02'],
    text: 'A 6 MiB request body is refused (413 or a fault) and the service stays up',
    async check(ctx) {
      const big = `<s:Envelope xmlns:s="${NS_SOAP}"><s:Body><x>${'A'.repeat(6 << 20)}</x></s:Body></s:Envelope>`;
      const r = await ctx
        .post(ctx.paths.certProv, big, { soapaction: `"${ACTION_GET_AND_PUBLISH_CERT}"` })
        .catch((e: Error) => ({ status: 413, headers: new Headers(), text: `connection closed: ${e.message}` }));
      expectThat(r.status >= 400 && !issued(r), `oversized body: expected a refusal, received ${show(r)}`);
      await stillUp(ctx);
    },
  },
  {
    id: 'HOSTILE-09-MALFORMED-RST',
    section: '3.2.4.1.3.3',
    level: 'SHOULD',
    category: 'hostile',
    enforces: ['OCAUTH-3.2.4.1.3.3-02'],
    text: 'A malformed RST (unclosed element) is answered with a fault (wst:InvalidRequest or a SOAP Client fault), not a crash',
    async check(ctx) {
      const r = await ctx.issueRaw(ctx.rst().xml.replace(/<\/(\w+:)?RequestSecurityToken>$/, '<unclosed>'));
      expectThat((r.status >= 400 && r.status < 500) || faultCodes(r.text).length > 0, `malformed RST: expected a client fault, received ${show(r)}`);
      expectThat(
        r.status !== 500 || faultCodes(r.text).some((c) => /InvalidRequest|Client|Sender/.test(c)),
        `malformed RST: expected a client-side fault code, received ${show(r)}`,
      );
    },
  },
  {
    id: 'HOSTILE-10-TINY-KEY',
    section: '3.1.4.1',
    level: 'MUST',
    category: 'hostile',
    enforces: ['OCAUTH-3.1.4.1-01'],
    text: 'A CSR with a 512-bit RSA key gets ErrorInfo, no certificate',
    async check(ctx) {
      const user = ctx.requireUser().replace(/^sip:/i, '');
      const kp = generateKeyPairSync('rsa', { modulusLength: 512 });
      const csr = generateCsr({ sipUri: user, keyPair: kp, keySizeBits: 512 } as never);
      const { unsigned } = await certProvEnvelope(ctx, { csrDer: csr.der });
      return `ResponseCode ${expectErrorInfo(await postCertProv(ctx, await signed(ctx, unsigned)), '512-bit key', ['InvalidPublicKey'])}`;
    },
  },
  {
    id: 'HOSTILE-11-CSR-WRONG-ENTITY',
    section: '3.1.4.1.5.2',
    level: 'MUST',
    category: 'hostile',
    enforces: ['OCAUTH-3.1.4.1.5.2-01'],
    text: "A request whose Entity and CSR name another user than the ticket's gets ErrorInfo, no certificate",
    async check(ctx) {
      // A user the pool knows: a refusal that comes from the user lookup would prove nothing about the binding.
      const other = ctx.target.otherUser;
      if (!other)
        manual(
          'needs a second provisioned user of the pool (Target.otherUser): an unknown Entity is refused by the user lookup, not by the binding to the ticket',
        );
      const entity = other.replace(/^sip:/i, '');
      const { unsigned } = await certProvEnvelope(ctx, { entity, csrDer: (await csrFor(entity)).der });
      return `ResponseCode ${expectErrorInfo(await postCertProv(ctx, await signed(ctx, unsigned)), `Entity of another provisioned user (${entity})`, ['InvalidSipUri'])}`;
    },
  },
  {
    id: 'HOSTILE-12-OTHER-AUDIENCE',
    section: '3.2.4.1.3.4',
    level: 'MUST',
    category: 'hostile',
    enforces: ['OCAUTH-3.2.4.1.3.4-04', 'OCAUTH-3.2-TICKET-02'],
    text: "A genuine ticket (right signer, right proof-key key) issued for another farm's service is refused: it does not apply to this server",
    async check(ctx) {
      if (!ctx.target.otherFarm) manual('needs a second farm sharing the ticket-signing certificate; embedded target only');
      const other = await ctx.target.otherFarm();
      const t = await ctx.client(ctx.anyCredentials(), { sipUri: ctx.requireUser() }).requestTicket(other.certProvUrl, other.webTicketUrl);
      const { unsigned } = await certProvEnvelope(ctx);
      const r = await postCertProv(
        ctx,
        signMessage({ envelope: unsigned, proofKey: t.proofKey, assertionId: t.assertionId, token: t.assertionXml, now: new Date() }),
      );
      expectAuthRefused(r, `ticket for ${other.certProvUrl}`);
      return `ErrorId ${errorIdOf(r)}`;
    },
  },
  {
    id: 'HOSTILE-13-WRONG-PASSWORD',
    section: '3.2.4.1',
    level: 'MUST',
    category: 'hostile',
    enforces: ['OCAUTH-3.2.4.1-01'],
    text: 'The Auth binding (wsse:UsernameToken) refuses a wrong password for a known user: no ticket',
    async check(ctx) {
      if (!ctx.target.password) manual('no password given (--password)');
      const r = await ctx.issueRaw(ctx.rst().xml, { binding: 'Auth', pin: `${ctx.target.password}-wrong` });
      expectThat(r.status !== 200 && !r.text.includes('RequestedSecurityToken'), `wrong password: expected no ticket, received ${show(r)}`);
      return `ErrorId ${errorIdOf(r) ?? '-'}`;
    },
  },
  {
    id: 'HOSTILE-14-SUPERSEDED-CERTIFICATE',
    section: '3.1.4.1',
    level: 'MUST',
    category: 'hostile',
    enforces: ['OCAUTH-3.1.4.1-03', 'OCAUTH-3.1.4.1.5.1-02'],
    text: 'A certificate superseded by a new GetAndPublishCert for the same DeviceId no longer authenticates at the Cert binding; the new one does',
    async check(ctx) {
      const deviceId = `{${randomUUID().toUpperCase()}}`;
      const ask = async () =>
        requestCertificate({
          url: ctx.paths.certProv,
          sipUri: ctx.requireUser(),
          ticket: await ctx.freshTicket(),
          deviceId,
          keySizeBits: 1024,
          fetch: ctx.fetch,
        });
      const first = await ask();
      const second = await ask();
      const certTicket = (c: typeof first) =>
        new WebTicketClient({ credentials: { type: 'certificate', certificate: c.certificatePem, privateKey: c.privateKey }, fetch: ctx.fetch }).requestTicket(
          ctx.paths.certProv,
          ctx.paths.webTicket,
        );
      await certTicket(second);
      const old = await certTicket(first).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expectThat(old, 'superseded certificate: expected the Cert binding to refuse it, received a ticket');
      return `refused: ${old.message.slice(0, 120)}`;
    },
  },
];
