// Deliberately broken behaviours for the conformance runner's negative self-test. Each fault breaks
// exactly one behaviour a conformance check judges, so the suite can show that check able to fail.
import { randomBytes } from 'node:crypto';
import { XMLSerializer } from '@xmldom/xmldom';
import { parseXml } from '@ocauth/c14n';
import type { TicketVerifier } from '@ocauth/wstrust';
import type { ServerUserDirectory } from './store/types.js';
import type { CertificateStore, CertProvTestFaults } from '@ocauth/certprov';

export interface ServerFaults {
  /** Accept a holder-of-key ticket without checking the proof-of-possession signature (it is removed before verification). */
  skipSignatureCheck?: boolean;
  /** Accept expired tickets and stale/future Timestamps (clock skew of ten years). */
  skipTimestampCheck?: boolean;
  /** Pin binding: any PIN is accepted for a known identity. */
  acceptAnyPin?: boolean;
  /** Do not check a ticket's Audience against this server's services. */
  skipAudienceCheck?: boolean;
  /** Auth binding: any password is accepted for a known user name. */
  acceptAnyPassword?: boolean;
  /** Cert binding: revoked (superseded) certificates still authenticate their user. */
  acceptRevokedCertificates?: boolean;
  /** SIP registrar: a signed REGISTER is accepted whatever its `response=` signature ([MS-SIPAE]). */
  sipSkipSignatureCheck?: boolean;
  /** CertProv: the Entity is not compared with the ticket's SIP URI (3.1.4.1.5.2): any provisioned user's certificate is issued. */
  skipEntityCheck?: boolean;
  /** CertProv: the requested ValidityPeriod/ValidityPeriodUnits are ignored (3.1.4.1.2.3): every certificate gets the policy maximum. */
  ignoreRequestedValidity?: boolean;
  /** CertProv: every refusal is answered ResponseCode InternalError (3.1.4.1.4.1 meanings lost). */
  refusalsAsInternalError?: boolean;
  /** CertProv: a BinarySecurityToken whose ValueType attribute is not #PKCS10 or whose EncodingType attribute is not #base64binary is taken as one (3.1.4.1.2.3). */
  acceptAnyCsrValueType?: boolean;
  /** Web Ticket Service: 128-bit server entropy for the 256-bit key (3.2.4.1.3.4 Entropy "the same as the KeySize"). */
  shortServerEntropy?: boolean;
  /** Autodiscover: a refused X-MS-WebTicket is a bare 401 without X-Ms-diagnostics (3.2). */
  autodiscoverBare401?: boolean;
  /** Authentication Broker: AuthBrokerAcquireCredentialResult in milliseconds instead of seconds (3.3.4.3). */
  credentialLifetimeMilliseconds?: boolean;
  /** Authentication Broker: client and server signing keys swapped (key block bytes 96–127 / 64–127 of [MS-SIPAE] taken the wrong way round). */
  swapTlsDskKeys?: boolean;
  /** A message signature whose ds:SignatureMethod carries ds:HMACOutputLength is not verified (CVE-2009-0217). */
  acceptTruncatedHmac?: boolean;
  /** CertProv: the issuing CA's chain (PKCS#7) is left out of GetAndPublishCertResponse (3.1.1 Trusted Certificate Authorities). */
  omitIssuerChain?: boolean;
  /** Web Ticket Service: the certificate (2) authentication errors 28011–28015 all reported as 28024 "Authentication failed". */
  certErrorIdsCollapsed?: boolean;
  /** Authentication Broker: X-Ms-diagnostics names a component (source="ocauth-authbroker"), not the server's FQDN (3.2.4.1 ABNF). */
  diagnosticsSourceNotFqdn?: boolean;
  /** The service descriptions lose what 6.1, 6.2 and 6.3 print: CertProv ?wsdl without its types and portType, Web Ticket ?wsdl without its messages and portType, no AuthBroker ?wsdl. */
  stubServiceDescriptions?: boolean;
  /** Autodiscover's User links name no AuthBroker (1.5). */
  autodiscoverWithoutBroker?: boolean;
  /** Authentication Broker: a second AuthBrokerAcquireCredential(V2) on a session is answered as the first (3.3.4 "once per session"). */
  acquireCredentialRepeatable?: boolean;
  /** Authentication Broker: MaxSignature 20 on every leg, not 0 before the signing keys (3.3.4.4.3.2). */
  maxSignatureAlwaysSet?: boolean;
  /** Authentication Broker: SHA-256 reported whatever the caller offered (3.3.4.1.3.1, 3.3.4.7.3). */
  hashAlgorithmIgnoresOffer?: boolean;
  /** CertProv: a PKCS#10 in PEM armour inside the BinarySecurityToken (as the 4.1.1 example sends it) is not understood. */
  refusePemArmouredCsr?: boolean;
  /** Authentication Broker: CreateAuthBrokerSession answered without HashAlgorithm (the 4.3.2 / 3.3.4.1.3.1 shape lost). */
  createSessionWithoutHashAlgorithm?: boolean;
  /** Web Ticket Service: an OAuth2 bearer token is taken at its word (its sip/smtp claim names the user; issuer, signature, actor token and audience unchecked: MS-OCAUTHWS 3.2). */
  acceptUnverifiedOAuth2?: boolean;
  /** Web Ticket Service: the errors 28020 / 28021 (SOAP error table) and 28035 (RST table) of 3.2.4.1 reported as 28024 "Authentication failed". */
  securityTokenErrorIdsCollapsed?: boolean;
  /** Web Ticket Service: the RSTR's wst:Lifetime (wsu:Created / wsu:Expires) is left out (3.2.4.1.3.4). */
  omitTicketLifetime?: boolean;
  /** CertProv: a request of any HTTP method is processed as a POST (2.1 / SOAP 1.2 HTTP binding: GetAndPublishCert is a POST; others 405). */
  certProvAnyMethod?: boolean;
  /** Every body cap (listener, pre-authentication gate, CertProv) raised to 64 MiB: an oversized body is read and processed instead of 413. */
  bodyCapIgnored?: boolean;
  /** CertProv: the SOAPAction header and the wsa:Action header are not compared with GetAndPublishCert's action (4.1.1, 6.1). */
  certProvIgnoresAction?: boolean;
  /** CertProv: a SOAP 1.2 request is answered with a SOAP 1.1 envelope and text/xml (2.1). */
  soap12AnsweredAsSoap11?: boolean;
  /** CertProv: a DeviceId with whitespace around its GUID (longer than the 38 characters of the braced form) is trimmed and accepted (3.1.4.1.5.1; issue 16 item 7). */
  deviceIdPaddingAccepted?: boolean;
  /** CertProv: the key-size policy's minimum is 256 bits (an RSA-512 CSR is issued a certificate; 3.1.4.1.4.1 InvalidPublicKey). */
  keySizePolicyIgnored?: boolean;
  /** CertProv: the policy's maximum validity is about 114 years, so a requested validity above the usual maximum is neither clamped nor refused (3.1.4.1.2.3, MS-WCCE). */
  validityUnbounded?: boolean;
  /** Authentication Broker: a disabled account still obtains its (cached) certificate: AcquireCredential answers its remaining lifetime, not 0 (3.3.4.3). */
  disabledAccountCredential?: boolean;
  /** CertProv: a CSR whose key is not RSA (EC P-256) is issued a certificate instead of InvalidPublicKey (3.1.4.1.4.1). */
  nonRsaKeyAccepted?: boolean;
  /** CertProv: a weak RSA key (public exponent 3) is issued a certificate instead of InvalidPublicKey (3.1.4.1.4.1). */
  weakRsaKeyAccepted?: boolean;
  /** CertProv: a CSR asking for serverAuth only is issued a certificate instead of InvalidEKU (3.1.4.1.4.1). */
  ekuNotChecked?: boolean;
}

export const FAULT_NAMES = [
  'skipSignatureCheck',
  'skipTimestampCheck',
  'acceptAnyPin',
  'skipAudienceCheck',
  'acceptAnyPassword',
  'acceptRevokedCertificates',
  'skipEntityCheck',
  'ignoreRequestedValidity',
  'refusalsAsInternalError',
  'acceptAnyCsrValueType',
  'shortServerEntropy',
  'autodiscoverBare401',
  'credentialLifetimeMilliseconds',
  'swapTlsDskKeys',
  'acceptTruncatedHmac',
  'omitIssuerChain',
  'certErrorIdsCollapsed',
  'diagnosticsSourceNotFqdn',
  'stubServiceDescriptions',
  'autodiscoverWithoutBroker',
  'acquireCredentialRepeatable',
  'maxSignatureAlwaysSet',
  'hashAlgorithmIgnoresOffer',
  'refusePemArmouredCsr',
  'createSessionWithoutHashAlgorithm',
  'sipSkipSignatureCheck',
  'acceptUnverifiedOAuth2',
  'securityTokenErrorIdsCollapsed',
  'omitTicketLifetime',
  'certProvAnyMethod',
  'bodyCapIgnored',
  'certProvIgnoresAction',
  'soap12AnsweredAsSoap11',
  'deviceIdPaddingAccepted',
  'keySizePolicyIgnored',
  'validityUnbounded',
  'disabledAccountCredential',
  'nonRsaKeyAccepted',
  'weakRsaKeyAccepted',
  'ekuNotChecked',
] as const;

/** nonRsaKeyAccepted / weakRsaKeyAccepted / ekuNotChecked: the CSR checks the certprov handler skips (its `testFaults`). */
export function faultyCsrChecks(faults: ServerFaults): { testFaults?: CertProvTestFaults } {
  if (!faults.nonRsaKeyAccepted && !faults.weakRsaKeyAccepted && !faults.ekuNotChecked) return {};
  return {
    testFaults: {
      acceptNonRsaKeys: faults.nonRsaKeyAccepted === true,
      acceptWeakRsaKeys: faults.weakRsaKeyAccepted === true,
      ignoreRequestedEku: faults.ekuNotChecked === true,
    },
  };
}

/** acceptUnverifiedOAuth2: the OAuth2 validator of a server that validates nothing (the payload's sip or smtp claim is the user). */
export function unverifiedOAuth2(faults: ServerFaults): { oauthValidator?: (token: string) => Promise<{ sipUri: string } | null> } {
  if (!faults.acceptUnverifiedOAuth2) return {};
  return {
    oauthValidator: async (token) => {
      try {
        const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { sip?: unknown; smtp?: unknown };
        const who = typeof claims.sip === 'string' ? claims.sip : typeof claims.smtp === 'string' ? claims.smtp : undefined;
        return who ? { sipUri: who.startsWith('sip:') ? who : `sip:${who}` } : null;
      } catch {
        return null;
      }
    },
  };
}

/** stubServiceDescriptions: ?wsdl of CertProv and the Web Ticket Service reduced to their policy and service, of the broker refused. */
export function faultyServiceDescription(h: WebHandler, faults: ServerFaults, service: 'certProv' | 'webTicket' | 'authBroker'): WebHandler {
  if (!faults.stubServiceDescriptions) return h;
  return async (req) => {
    const isWsdl = req.method === 'GET' && new URL(req.url).search.toLowerCase() === '?wsdl';
    if (!isWsdl) return h(req);
    if (service === 'authBroker') return new Response(null, { status: 405 });
    if (service === 'webTicket') return rewriteResponse(await h(req), (t) => t.replace(/<wsdl:message\b[\s\S]*<\/wsdl:portType>/, ''));
    return rewriteResponse(await h(req), (t) => t.replace(/<wsdl:types[\s\S]*<\/wsdl:portType>/, ''));
  };
}

type WebHandler = (req: Request) => Promise<Response>;

async function rewriteResponse(r: Response, f: (text: string) => string): Promise<Response> {
  const text = await r.text();
  const headers = new Headers(r.headers);
  headers.delete('content-length');
  return new Response(f(text), { status: r.status, headers });
}

const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const DS = 'http://www.w3.org/2000/09/xmldsig#';

/** Remove ds:Signature children of wsse:Security (the proof-of-possession signature), keeping the ticket's own signature. */
export function stripMessageSignature(xml: string): string {
  const doc = parseXml(xml);
  const sec = doc.getElementsByTagNameNS(WSSE, 'Security');
  for (let i = 0; i < sec.length; i++) {
    const s = sec.item(i)!;
    for (const c of Array.from(s.childNodes))
      if (
        c.nodeType === 1 &&
        (c as unknown as { namespaceURI: string; localName: string }).namespaceURI === DS &&
        (c as unknown as { namespaceURI: string; localName: string }).localName === 'Signature'
      )
        s.removeChild(c);
  }
  return new XMLSerializer().serializeToString(doc as never);
}

/**
 * The ticket verifier with the verifier-level faults: skipSignatureCheck (message signature removed),
 * acceptTruncatedHmac (a signature carrying HMACOutputLength removed, the rest checked by `lax`, a verifier
 * without the proof-of-possession requirement), skipEntityCheck (the SIP URI reported is the request's Entity).
 */
export function faultyVerifier(v: TicketVerifier, faults: ServerFaults, lax: TicketVerifier = v): TicketVerifier {
  if (!faults.skipSignatureCheck && !faults.acceptTruncatedHmac && !faults.skipEntityCheck) return v;
  const text = (input: unknown) => (typeof input === 'string' ? input : input instanceof Uint8Array ? Buffer.from(input).toString('utf8') : undefined);
  return {
    ...v,
    verify: async (input, ...rest) => {
      const xml = text(input);
      let out: Awaited<ReturnType<TicketVerifier['verify']>>;
      if (faults.skipSignatureCheck && xml !== undefined) out = await v.verify(stripMessageSignature(xml));
      else if (faults.acceptTruncatedHmac && xml !== undefined && /HMACOutputLength/.test(xml)) out = await lax.verify(stripMessageSignature(xml));
      else out = await (v.verify as (...a: unknown[]) => ReturnType<TicketVerifier['verify']>)(input, ...rest);
      const entity = faults.skipEntityCheck && xml !== undefined ? /<(?:\w+:)?GetAndPublishCert\b[^>]*\bEntity="([^"]+)"/.exec(xml)?.[1] : undefined;
      return entity ? { ...out, sipUri: `sip:${entity}` } : out;
    },
  };
}

/** CertProv with its faults: acceptAnyCsrValueType (request rewritten), refusalsAsInternalError (response rewritten). */
export function faultyCertProvHandler(h: WebHandler, faults: ServerFaults): WebHandler {
  if (
    !faults.acceptAnyCsrValueType &&
    !faults.refusalsAsInternalError &&
    !faults.refusePemArmouredCsr &&
    !faults.certProvAnyMethod &&
    !faults.certProvIgnoresAction &&
    !faults.soap12AnsweredAsSoap11 &&
    !faults.deviceIdPaddingAccepted
  )
    return h;
  return async (req) => {
    let r = req;
    if (faults.certProvAnyMethod && req.method !== 'POST') {
      // The method is not looked at: whatever came is read as the POST it is not.
      r = new Request(req.url, { method: 'POST', headers: req.headers, ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body: await req.text() }) });
    }
    if (faults.certProvIgnoresAction && r.method === 'POST') {
      const ACTION = 'http://schemas.microsoft.com/OCS/AuthWebServices/GetAndPublishCert';
      const headers = new Headers(r.headers);
      if (headers.has('soapaction')) headers.set('soapaction', `"${ACTION}"`);
      const ct = headers.get('content-type');
      if (ct && /;\s*action=/i.test(ct)) headers.set('content-type', ct.replace(/(;\s*action=)("[^"]*"|[^;]*)/i, `$1"${ACTION}"`));
      const body = (await r.text()).replace(/(<(?:\w+:)?Action\b[^>]*>)[^<]*(<\/(?:\w+:)?Action>)/, `$1${ACTION}$2`);
      r = new Request(r.url, { method: r.method, headers, body });
    }
    if (faults.deviceIdPaddingAccepted && r.method === 'POST') {
      const body = (await r.text()).replace(/(<(?:\w+:)?GetAndPublishCert\b[^>]*\bDeviceId=")\s*([^"]*?)\s*"/, '$1$2"');
      r = new Request(r.url, { method: r.method, headers: r.headers, body });
    }
    if (faults.refusePemArmouredCsr && req.method === 'POST') {
      const body = (await req.text()).replace(/(<(?:\w+:)?BinarySecurityToken\b[^>]*>)\s*-----BEGIN[^<]*/, '$1AAAA');
      r = new Request(req.url, { method: req.method, headers: req.headers, body });
    }
    if (faults.acceptAnyCsrValueType && r.method === 'POST') {
      const body = (await r.text())
        .replace(/(<(?:\w+:)?BinarySecurityToken\b[^>]*\bValueType=")[^"]*(")/, '$1http://schemas.microsoft.com/OCS/AuthWebServices.xsd#PKCS10$2')
        .replace(
          /(<(?:\w+:)?BinarySecurityToken\b[^>]*\bEncodingType=")[^"]*(")/,
          '$1http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd#base64binary$2',
        );
      r = new Request(req.url, { method: req.method, headers: req.headers, body });
    }
    const res = await h(r);
    if (faults.soap12AnsweredAsSoap11 && /application\/soap\+xml/i.test(res.headers.get('content-type') ?? '')) {
      const out = await rewriteResponse(res, (t) => t.replaceAll('http://www.w3.org/2003/05/soap-envelope', 'http://schemas.xmlsoap.org/soap/envelope/'));
      out.headers.set('content-type', 'text/xml; charset=utf-8');
      return out;
    }
    return faults.refusalsAsInternalError ? rewriteResponse(res, (t) => t.replace(/ResponseCode="(?!NoError")[^"]*"/g, 'ResponseCode="InternalError"')) : res;
  };
}

/** The Web Ticket Service with certErrorIdsCollapsed / securityTokenErrorIdsCollapsed (ErrorId in X-Ms-diagnostics and af:ErrorId rewritten) and omitTicketLifetime. */
export function faultyWebTicketHandler(h: WebHandler, faults: ServerFaults): WebHandler {
  const base: WebHandler = faults.omitTicketLifetime
    ? async (req) => rewriteResponse(await h(req), (t) => t.replace(/<((?:\w+:)?Lifetime)\b[\s\S]*?<\/\1>/, ''))
    : h;
  if (!faults.certErrorIdsCollapsed && !faults.securityTokenErrorIdsCollapsed) return base;
  const ids = faults.certErrorIdsCollapsed ? '2801[1-5]' : '(?:2802[01]|28035)';
  return async (req) => {
    const r = await rewriteResponse(await base(req), (t) => t.replace(new RegExp(`(<(?:\\w+:)?ErrorId>)${ids}<`, 'g'), '$128024<'));
    const d = r.headers.get('x-ms-diagnostics');
    if (d && new RegExp(`^${ids}\\b`).test(d)) r.headers.set('x-ms-diagnostics', d.replace(new RegExp(`^${ids}`), '28024'));
    return r;
  };
}

/** The Authentication Broker with its faults: credentialLifetimeMilliseconds, swapTlsDskKeys, diagnosticsSourceNotFqdn (responses rewritten). */
export function faultyBrokerHandler(h: WebHandler, faults: ServerFaults): WebHandler {
  if (
    !faults.credentialLifetimeMilliseconds &&
    !faults.swapTlsDskKeys &&
    !faults.diagnosticsSourceNotFqdn &&
    !faults.acquireCredentialRepeatable &&
    !faults.maxSignatureAlwaysSet &&
    !faults.hashAlgorithmIgnoresOffer &&
    !faults.createSessionWithoutHashAlgorithm
  )
    return h;
  return async (req) => {
    const res = await h(req);
    let status = res.status;
    const r = await rewriteResponse(res, (t) => {
      let out = t;
      if (faults.acquireCredentialRepeatable && /once per session/.test(t)) {
        const op = /(AuthBrokerAcquireCredential(?:V2)?): can be called once/.exec(t)?.[1] ?? 'AuthBrokerAcquireCredential';
        status = 200;
        out = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><${op}Response xmlns="http://tempuri.org/"><${op}Result>28000</${op}Result></${op}Response></s:Body></s:Envelope>`;
      }
      if (faults.createSessionWithoutHashAlgorithm && /CreateAuthBrokerSessionResult/.test(out))
        out = out.replace(/<((?:\w+:)?HashAlgorithm)\b[^>]*(?:\/>|>[^<]*<\/\1>)/, '');
      if (faults.maxSignatureAlwaysSet) out = out.replace(/(<(?:\w+:)?MaxSignature>)0</, '$120<');
      if (faults.hashAlgorithmIgnoresOffer)
        out = out.replace(/(<(?:\w+:)?HashAlgorithm>)(?:SHA1|32772)</, (_m, a: string) => `${a}${/SHA1/.test(_m) ? 'SHA256' : '32780'}<`);
      if (faults.credentialLifetimeMilliseconds)
        out = out.replace(/(<(?:\w+:)?AuthBrokerAcquireCredential(?:V2)?Result>)(\d+)/, (_m, a: string, n: string) => `${a}${Number(n) * 1000}`);
      if (faults.swapTlsDskKeys) {
        const c = /<((?:\w+:)?ClientSigningKey)>([^<]*)</.exec(out)?.[2];
        const s = /<((?:\w+:)?ServerSigningKey)>([^<]*)</.exec(out)?.[2];
        if (c && s) out = out.replace(/(<(?:\w+:)?ClientSigningKey>)[^<]*/, `$1${s}`).replace(/(<(?:\w+:)?ServerSigningKey>)[^<]*/, `$1${c}`);
      }
      return out;
    });
    const d = r.headers.get('x-ms-diagnostics');
    if (faults.diagnosticsSourceNotFqdn && d) r.headers.set('x-ms-diagnostics', d.replace(/source="[^"]*"/, 'source="ocauth-authbroker"'));
    return status === r.status ? r : new Response(r.body, { status, headers: r.headers });
  };
}

/** Autodiscover with autodiscoverBare401 (refusals lose their X-Ms-diagnostics) and autodiscoverWithoutBroker. */
export function faultyAutodiscoverHandler(h: WebHandler, faults: ServerFaults): WebHandler {
  if (!faults.autodiscoverBare401 && !faults.autodiscoverWithoutBroker) return h;
  return async (req) => {
    const r = await h(req);
    if (faults.autodiscoverWithoutBroker)
      return rewriteResponse(r, (t) =>
        t.replace(/<Link token="(?:Internal|External)\/AuthBroker"[^>]*\/>/g, '').replace(/\{[^{}]*"(?:Internal|External)\/AuthBroker"[^{}]*\},?/g, ''),
      );
    if (r.status !== 401) return r;
    const headers = new Headers(r.headers);
    headers.delete('x-ms-diagnostics');
    return new Response(r.body, { status: r.status, headers });
  };
}

/** shortServerEntropy: the Web Ticket Service's random source returns 16 bytes when 32 (the 256-bit key's entropy) are asked. */
export function faultyRandom(faults: ServerFaults): { random?: (n: number) => Uint8Array } {
  return faults.shortServerEntropy ? { random: (n: number) => new Uint8Array(randomBytes(n === 32 ? 16 : n)) } : {};
}

/** ignoreRequestedValidity: a policy that gives every certificate the maximum validity whatever was asked. */
export function faultyValidityPolicy(faults: ServerFaults): {
  minValidityHours?: number;
  defaultValidityHours?: number;
  maxValidityHours?: number;
  minKeySizeBits?: number;
} {
  if (faults.ignoreRequestedValidity) return { minValidityHours: 8760, defaultValidityHours: 8760, maxValidityHours: 8760 };
  return {
    // validityUnbounded: a maximum no request reaches (1 000 000 hours, about 114 years).
    ...(faults.validityUnbounded ? { maxValidityHours: 1_000_000 } : {}),
    // keySizePolicyIgnored: RSA keys from 256 bits are taken.
    ...(faults.keySizePolicyIgnored ? { minKeySizeBits: 256 } : {}),
  };
}

/** bodyCapIgnored: the body cap every layer applies (listener, pre-authentication gate, CertProv) raised to 64 MiB. */
export function faultyBodyCap(faults: ServerFaults, cap: number): number {
  return faults.bodyCapIgnored ? 64 * 1024 * 1024 : cap;
}

/** disabledAccountCredential: the broker's account look-ups answer "enabled" for every known user (the cached certificate is handed out). */
export function faultyBrokerAccount<U extends { enabled: boolean }>(faults: ServerFaults, u: U | null | undefined): U | null | undefined {
  return faults.disabledAccountCredential && u ? { ...u, enabled: true } : u;
}

export function faultyDirectory(d: ServerUserDirectory, faults: ServerFaults): ServerUserDirectory {
  if (!faults.acceptAnyPin && !faults.acceptAnyPassword) return d;
  const anyone = async (identity: string) => (await d.findUserByAccount?.(identity)) ?? (await d.findUserBySipUri(identity));
  return {
    upsertUser: (u) => d.upsertUser(u),
    setEnabled: (s, e) => d.setEnabled(s, e),
    findUserBySipUri: (s) => d.findUserBySipUri(s),
    ...(d.findUserByAccount ? { findUserByAccount: (a: string) => d.findUserByAccount!(a) } : {}),
    ...(d.findNtlmCredential ? { findNtlmCredential: (n: readonly string[]) => d.findNtlmCredential!(n) } : {}),
    verifyPin: faults.acceptAnyPin ? (identity) => anyone(identity) : (i, p, hooks) => d.verifyPin(i, p, hooks),
    verifyPassword: faults.acceptAnyPassword
      ? async (username, _p, alt = []) => (await anyone(username)) ?? (alt[0] ? anyone(alt[0].username) : null)
      : (u, p, alt) => d.verifyPassword(u, p, alt),
  };
}

/** Cert binding validator that ignores revocation (acceptRevokedCertificates). */
export function revocationBlindStore(store: CertificateStore): CertificateStore {
  return {
    publish: (c, now) => store.publish(c, now),
    listForEntity: (e) => store.listForEntity(e),
    revoke: (s, at) => store.revoke(s, at),
    findBySerial: async (s) => {
      const c = await store.findBySerial(s);
      if (!c) return c;
      const { revokedAt: _ignored, ...rest } = c;
      return rest;
    },
  };
}
