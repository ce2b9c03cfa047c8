/**
 * `explain(input)`: turn whatever a client or server produced (an error object, an X-Ms-diagnostics header, a SOAP
 * fault, a GetAndPublishCert response or ResponseCode, an SSPI SecurityStatus) into Findings an administrator
 * can act on. Never throws: unrecognised or malformed input yields a Finding that says so.
 */
import type { ParseIssue } from './errors.js';
import { FIELD_NOTES, type Finding } from './finding.js';
import { parseMsDiagnostics, type MsDiagnostics } from './ms-diagnostics.js';
import { parseErrorInfo } from './error-info.js';
import { parseSoapFault, type SoapFault } from './ocs-fault.js';
import { getAndPublishCertResponseCode, type GetAndPublishCertResponseCodeInfo } from './response-codes.js';
import { SECURITY_STATUSES, parseSecurityStatusNumber, securityStatus, type SecurityStatusInfo } from './security-status.js';
import { isWebTicketErrorRange, webTicketError, type WebTicketErrorInfo } from './web-ticket-errors.js';
import { parseWebTicketHeader } from './web-ticket-header.js';
import { NS } from './ns.js';
import { findElement, parseXmlSafe, type ElementLike } from './xml.js';

const clip = (s: string, n = 200) => (s.length > n ? `${s.slice(0, n)}…` : s);

/**
 * 28020 sent with faultcode FailedAuthentication (any prefix; real pools write `a:FailedAuthentication` with `a`
 * bound to the WS-Security namespace) is how Lync Server / Skype for Business Server answer a UsernameToken
 * (Auth binding) whose user name or password is wrong: "No valid security token." means bad credentials there,
 * not a missing token as the spec's InvalidSecurity row describes.
 */
function isUsernameTokenRejection(e: WebTicketErrorInfo, extra: { fault?: string; credential?: string }): boolean {
  if (e.errorId !== 28020) return false;
  if (extra.credential !== undefined) return /usernametoken|password|^auth$/i.test(extra.credential);
  return extra.fault !== undefined && /(^|:)FailedAuthentication$/.test(extra.fault.trim());
}

/**
 * @throws never
 */
export function findingForWebTicketError(
  e: WebTicketErrorInfo,
  extra: { source?: string; reason?: string; fault?: string; via?: string; credential?: string } = {},
): Finding {
  if (isUsernameTokenRejection(e, extra)) {
    e = {
      ...e,
      when: 'A UsernameToken (Auth binding: user name and password) was rejected; real pools answer wrong credentials with 28020 and faultcode FailedAuthentication.',
      cause:
        'The user name or the password in wsse:UsernameToken is wrong (or the account cannot sign in with a password), so the server found no valid security token.',
      remedy:
        'Check the user name and password (DOMAIN\\user, user@domain or the SIP URI, as plain text or base64 as the Lync desktop client sends them), and that the account is enabled and not locked out.',
    };
  }
  const details: Record<string, string | number | boolean> = { errorId: e.errorId, name: e.name, faultcode: e.faultcode, httpStatus: e.httpStatus };
  if (extra.source !== undefined) details.source = clip(extra.source, 100);
  if (extra.reason !== undefined && extra.reason !== e.reason) details.reasonSent = clip(extra.reason);
  if (extra.fault !== undefined && extra.fault !== e.faultcode) details.faultSent = clip(extra.fault, 100);
  if (extra.via) details.via = extra.via;
  return {
    id: `webticket.${e.errorId}`,
    severity: 'error',
    summary: `Web Ticket error ${e.errorId} (${e.name}): ${e.reason}${extra.source ? ` — reported by ${clip(extra.source, 100)}` : ''}`,
    cause: `${e.when} ${e.cause}`,
    remedy: e.remedy,
    specSection: e.specSection,
    references: [...e.references],
    details,
  };
}

function findingForUnknownErrorId(d: MsDiagnostics, via: string): Finding {
  const inRange = isWebTicketErrorRange(d.errorId);
  const details: Record<string, string | number | boolean> = { errorId: d.errorId, via };
  if (d.source) details.source = clip(d.source, 100);
  if (d.reason) details.reasonSent = clip(d.reason);
  if (d.fault) details.faultSent = clip(d.fault, 100);
  return {
    id: inRange ? 'webticket.undefined-error-id' : 'diagnostics.unknown-error-id',
    severity: 'error',
    summary: `ErrorId ${d.errorId}${d.reason ? `: ${clip(d.reason)}` : ''}${d.source ? ` — reported by ${clip(d.source, 100)}` : ''}`,
    cause: inRange
      ? `ErrorId ${d.errorId} is in the Web Ticket Service range (28000–28035) but MS-OCAUTHWS does not define it; the server's reason string is the best description.`
      : `ErrorId ${d.errorId} is not a Web Ticket Service error of MS-OCAUTHWS (another component or product reported it); the server's reason string is the best description.`,
    remedy: 'Look the ErrorId up in [MS-OCER] 7.22 (diagnostic ErrorIds and reasons) and check the event log of the server named in source.',
    specSection: 'MS-OCAUTHWS 3.2.4.1',
    references: [],
    details,
  };
}

/**
 * @throws never
 */
export function findingForResponseCode(
  c: GetAndPublishCertResponseCodeInfo,
  extra: { description?: string; deviceId?: string; entity?: string } = {},
): Finding {
  const details: Record<string, string | number | boolean> = { responseCode: c.code };
  if (extra.description) details.description = clip(extra.description);
  if (extra.deviceId) details.deviceId = clip(extra.deviceId, 60);
  if (extra.entity) details.entity = clip(extra.entity, 100);
  return {
    id: `certprov.${c.code}`,
    severity: c.severity,
    summary: `GetAndPublishCert ResponseCode ${c.code}: ${c.description}${extra.description ? ` (${clip(extra.description)})` : ''}`,
    cause: c.cause,
    remedy: c.remedy,
    specSection: c.specSection,
    references: [...c.references],
    details,
  };
}

/**
 * @throws never
 */
export function findingForSecurityStatus(s: SecurityStatusInfo): Finding {
  const details: Record<string, string | number | boolean> = { securityStatus: s.hex, name: s.name, sspiConstant: s.sspiConstant };
  if (s.specName) details.specTableName = s.specName;
  return {
    id: `sspi.${s.name}`,
    severity: s.severity,
    summary: `SecurityStatus ${s.hex} ${s.name} (${s.sspiConstant})${s.specName ? ` — listed as "${s.specName}" in the spec's shifted table` : ''}`,
    cause: s.cause,
    remedy: s.remedy,
    specSection: s.specSection,
    references: [...s.references],
    details,
  };
}

function malformed(what: string, issue: ParseIssue, specSection: string): Finding {
  return {
    id: 'input.malformed',
    severity: 'error',
    summary: `Malformed ${what}: ${clip(issue.message, 300)}`,
    cause: `The ${what} does not follow the format the protocol defines (${issue.code}); a client or proxy produced or altered it.`,
    remedy: `Capture the exact ${what} (e.g. with a proxy trace) and compare it with ${specSection}; check nothing between client and server rewrites or truncates it.`,
    specSection,
    references: [],
    details: { code: issue.code },
  };
}

function unrecognised(kind: string): Finding {
  return {
    id: 'input.unrecognized',
    severity: 'warning',
    summary: `Nothing to explain: ${kind} is not an ErrorId, X-Ms-diagnostics header, SOAP fault, GetAndPublishCert ResponseCode or SSPI SecurityStatus.`,
    cause: 'The input was not recognised as any diagnostic the protocol defines.',
    remedy: 'Pass the X-Ms-diagnostics header value, the SOAP fault XML, the ResponseCode, the SecurityStatus number, or the error object.',
    specSection: 'MS-OCAUTHWS 3.2.4.1',
    references: [],
  };
}

/** WS-Security 1.0 fault codes (WSS 1.0 §12) as seen without an OCSDiagnosticsFault detail. */
const WSSE_FAULTS: Record<string, { cause: string; remedy: string; references: string[] }> = {
  FailedAuthentication: {
    cause: 'The security token could not be authenticated or authorized (wrong credentials, unknown certificate, disabled user).',
    remedy: 'Check the credentials/certificate and that the user is enabled and SIP enabled.',
    references: [],
  },
  InvalidSecurity: {
    cause:
      'An error was discovered processing the wsse:Security header: typically the Timestamp is missing, malformed or expired, or the signature over it does not verify.',
    remedy:
      'Check clocks and the Timestamp (Created/Expires, signed as #_0), and that the signature uses the proof key derived with P_SHA1 from both entropies.',
    references: [FIELD_NOTES.certificateProvisioning, FIELD_NOTES.proofKeySigning],
  },
  InvalidSecurityToken: {
    cause: 'An invalid security token was provided (for a web service: the web ticket is invalid, expired, or belongs to another server).',
    remedy: 'Request a new web ticket from the pool you are calling.',
    references: [],
  },
  FailedCheck: {
    cause:
      'The signature or decryption was invalid: normally the symmetric key used to sign differs from the proof key the server derives (wrong entropy, wrong P_SHA1 key size, or C14N differences).',
    remedy:
      'Derive the key as P_SHA1(client entropy, server entropy), sign the canonicalised Timestamp with HMAC, and reference the SAML assertion in KeyInfo.',
    references: [FIELD_NOTES.certificateProvisioning, FIELD_NOTES.proofKeySigning],
  },
  MessageExpired: {
    cause: 'The message has expired: its Timestamp lies outside the accepted window (Created + 5 minutes, allowing for clock skew).',
    remedy: 'Synchronise the client clock and send a fresh Timestamp with every request.',
    references: [FIELD_NOTES.certificateProvisioning],
  },
  SecurityTokenUnavailable: {
    cause: 'A referenced security token could not be retrieved or its key could not be resolved.',
    remedy: 'Check the SecurityTokenReference points to a token present in the message (or known to the server).',
    references: [],
  },
  UnsupportedSecurityToken: { cause: 'An unsupported token was provided.', remedy: 'Use a token type the service policy lists.', references: [] },
  UnsupportedAlgorithm: {
    cause: 'An unsupported signature or encryption algorithm was used.',
    remedy: 'Use the algorithms of the service policy (HMAC-SHA1/SHA256, RSA-SHA1/SHA256, Exclusive C14N).',
    references: [],
  },
};

function findingForSoapFault(f: SoapFault): Finding {
  if (f.diagnostics) {
    const known = webTicketError(f.diagnostics.errorId);
    return known
      ? findingForWebTicketError(known, { reason: f.diagnostics.reason, fault: f.faultcode, via: `SOAP ${f.soapVersion} fault` })
      : findingForUnknownErrorId({ errorId: f.diagnostics.errorId, reason: f.diagnostics.reason, fault: f.faultcode }, `SOAP ${f.soapVersion} fault`);
  }
  const local = f.faultcode.includes(':') ? f.faultcode.slice(f.faultcode.indexOf(':') + 1) : f.faultcode;
  const wsse = f.faultcodeNamespace?.includes('wssecurity-secext') || f.faultcode.startsWith('wsse:') ? WSSE_FAULTS[local] : undefined;
  const details = { faultcode: clip(f.faultcode, 100), faultstring: clip(f.faultstring), soapVersion: f.soapVersion };
  if (wsse) {
    return {
      id: `wsse.${local}`,
      severity: 'error',
      summary: `SOAP fault ${f.faultcode}: ${clip(f.faultstring)}`,
      cause: wsse.cause,
      remedy: wsse.remedy,
      specSection: 'WSS 1.0 §12 (MS-OCAUTHWS 3.2 "The Web service also returns faults specified in [WSSE 1.0]")',
      references: [...wsse.references],
      details,
    };
  }
  if (/(^|:)RequestFailed$/.test(f.faultcode) || /(^|:)InvalidRequest$/.test(f.faultcode)) {
    return {
      id: `wst.${local}`,
      severity: 'error',
      summary: `SOAP fault ${f.faultcode}: ${clip(f.faultstring)}`,
      cause:
        'The Web Ticket Service could not process the RequestSecurityToken (wrong RequestType/TokenType/AppliesTo, or the claims do not match the credentials).',
      remedy: 'Compare the RST with MS-OCAUTHWS 3.2.4.1.3.3 (AppliesTo address = the web server farm FQDN, RequestType Issue).',
      specSection: 'MS-OCAUTHWS 3.2.4.1.3.3',
      references: [],
      details,
    };
  }
  return {
    id: 'soap.fault',
    severity: 'error',
    summary: `SOAP fault ${f.faultcode}: ${clip(f.faultstring)}`,
    cause: 'The service returned a SOAP fault without diagnostic detail; the faultstring is the best description.',
    remedy: 'Check the server event log for the request; retry with tracing enabled.',
    specSection: 'MS-OCAUTHWS 2.2.4.1',
    references: [],
    details,
  };
}

function explainHeader(value: string): Finding[] {
  const r = parseMsDiagnostics(value);
  const out: Finding[] = r.entries.map((d) => {
    const known = webTicketError(d.errorId);
    return known
      ? findingForWebTicketError(known, {
          ...(d.source !== undefined ? { source: d.source } : {}),
          ...(d.reason !== undefined ? { reason: d.reason } : {}),
          ...(d.fault !== undefined ? { fault: d.fault } : {}),
          via: 'X-Ms-diagnostics',
        })
      : findingForUnknownErrorId(d, 'X-Ms-diagnostics');
  });
  if (!r.ok) out.push(malformed('X-Ms-diagnostics header', r.error, 'MS-OCAUTHWS 3.2.4.1 (X-Ms-diagnostics ABNF)'));
  return out;
}

function explainXml(xml: string): Finding[] {
  const f = parseSoapFault(xml);
  if (f.ok) return [findingForSoapFault(f.value)];
  if (f.error.code === 'ERR_DIAGNOSTICS_XML_DOCTYPE' || f.error.code === 'ERR_DIAGNOSTICS_XML_LIMIT' || f.error.code === 'ERR_DIAGNOSTICS_XML')
    return [malformed('XML', f.error, 'MS-OCAUTHWS 2.2.4.1')];
  const e = parseErrorInfo(xml);
  if (e.ok) {
    const info = getAndPublishCertResponseCode(e.value.responseCode);
    const extra = {
      ...(e.value.description !== undefined ? { description: e.value.description } : {}),
      ...(e.value.response?.deviceId ? { deviceId: e.value.response.deviceId } : {}),
      ...(e.value.response?.entity ? { entity: e.value.response.entity } : {}),
    };
    if (info) return [findingForResponseCode(info, extra)];
    return [
      {
        id: 'certprov.unknown-response-code',
        severity: 'error',
        summary: `GetAndPublishCert ResponseCode ${clip(e.value.responseCode, 60)} is not defined by the spec`,
        cause: 'The server answered with a ResponseCode outside GetAndPublishCertResponseCodeType.',
        remedy: 'Check the server version; treat as InternalError.',
        specSection: 'MS-OCAUTHWS 3.1.4.1.4.1',
        references: [],
        details: { responseCode: clip(e.value.responseCode, 60) },
      },
    ];
  }
  // Well-formed messages that are not errors: a successful GetAndPublishCert response, any other SOAP body.
  const doc = parseXmlSafe(xml, 'XML');
  if (doc.ok) {
    const root = doc.doc.documentElement as unknown as ElementLike;
    const gapc = findElement(root, (x) => x.localName === 'GetAndPublishCertResponse' && x.namespaceURI === NS.tns);
    const hasErrorInfo = gapc ? findElement(gapc, (x) => x.localName === 'ErrorInfo') !== undefined : false;
    if (gapc && !hasErrorInfo && gapc.getAttribute('ResponseClass') === 'Success') {
      return [
        {
          id: 'certprov.success',
          severity: 'info',
          summary: 'GetAndPublishCert succeeded (ResponseClass Success)',
          cause: 'The certificate was issued and published.',
          remedy: 'Nothing to do; check the issued certificate with checkIssuedCertificate.',
          specSection: 'MS-OCAUTHWS 3.1.4.1.3.2',
          references: [],
          details: { deviceId: clip(gapc.getAttribute('DeviceId') ?? '', 60), entity: clip(gapc.getAttribute('Entity') ?? '', 100) },
        },
      ];
    }
    const isEnvelope = root.localName === 'Envelope' && (root.namespaceURI === NS.soap11 || root.namespaceURI === NS.soap12);
    if (
      isEnvelope &&
      !gapc &&
      !/OCSDiagnosticsFault|Ms-Diagnostics-Fault/.test(xml) &&
      !findElement(root, (x) => x.localName === 'Fault' && x.namespaceURI === root.namespaceURI)
    ) {
      return [
        {
          id: 'soap.not-a-fault',
          severity: 'info',
          summary: 'The SOAP message is not a fault: nothing to explain',
          cause: 'The envelope carries a regular response or request.',
          remedy: 'Pass the fault, the X-Ms-diagnostics header or the error instead.',
          specSection: 'MS-OCAUTHWS 2.2.4.1',
          references: [],
        },
      ];
    }
  }
  const ocs = /OCSDiagnosticsFault|Ms-Diagnostics-Fault/.test(xml)
    ? 'OCSDiagnosticsFault'
    : /ErrorInfo|GetAndPublishCertResponse/.test(xml)
      ? 'ErrorInfo'
      : 'SOAP fault';
  return [
    malformed(
      ocs === 'ErrorInfo' ? 'GetAndPublishCert response' : 'SOAP fault',
      ocs === 'ErrorInfo' ? e.error : f.error,
      ocs === 'ErrorInfo' ? 'MS-OCAUTHWS 3.1.4.1.3.2' : 'MS-OCAUTHWS 2.2.4.1',
    ),
  ];
}

function explainNumber(n: number): Finding[] {
  if (!Number.isInteger(n)) return [unrecognised(`the number ${n}`)];
  const w = webTicketError(n);
  if (w) return [findingForWebTicketError(w)];
  if (isWebTicketErrorRange(n)) return [findingForUnknownErrorId({ errorId: n }, 'ErrorId')];
  const s = securityStatus(n);
  if (s) return [findingForSecurityStatus(s)];
  const rc = n >= 1 && n <= 11 ? getAndPublishCertResponseCode(n) : undefined;
  if (rc) return [findingForResponseCode(rc)];
  if (((n | 0) === n && n < 0) || (n >= 0x80000000 && n <= 0xffffffff)) {
    return [
      {
        id: 'sspi.unknown',
        severity: 'error',
        summary: `SSPI status 0x${((n | 0) >>> 0).toString(16).toUpperCase().padStart(8, '0')} is not in the SecurityStatus table`,
        cause: 'An error status outside MS-OCAUTHWS 3.3.4.4.3.3.',
        remedy: 'Look the value up in the Windows SSPI error codes (winerror.h).',
        specSection: 'MS-OCAUTHWS 3.3.4.4.3.3',
        references: [],
      },
    ];
  }
  return [unrecognised(`the number ${n}`)];
}

function explainString(input: string): Finding[] {
  const s = input.trim();
  if (s === '') return [unrecognised('an empty string')];
  if (s.startsWith('<')) return explainXml(input);
  if (/^x-ms-webticket\s*:|^opaque\s*=|^cwt\s*=|^(?:authorization\s*:\s*)?bearer\s+cwt\s*=/i.test(s)) {
    const r = parseWebTicketHeader(s);
    if (!r.ok) return [malformed('X-MS-WebTicket header', r.error, 'MS-OCAUTHWS 3.2 (X-MS-WebTicket ABNF)')];
    return [
      {
        id: 'webticket.header-ok',
        severity: 'info',
        summary: `Well-formed X-MS-WebTicket header carrying a ${r.value.token.byteLength}-byte ${r.value.kind === 'cwt' ? 'compact web ticket' : 'token'}`,
        cause: 'The header follows the ABNF; whether the ticket is valid is for the service to check (28032/28033 otherwise).',
        remedy: 'Nothing to do for the header format.',
        specSection: 'MS-OCAUTHWS 3.2',
        references: [],
        details: { tokenBytes: r.value.token.byteLength, warnings: r.issues.length },
      },
    ];
  }
  if (/^\d+$/.test(s)) return explainNumber(Number(s));
  if (/^0x[0-9a-f]{1,8}$/i.test(s) || /^-\d{1,10}$/.test(s)) {
    const n = parseSecurityStatusNumber(s);
    if (n !== undefined) return explainNumber(n);
  }
  if (/^(?:x-ms-diagnostics|ms-diagnostics(?:-public)?)\s*:|^\[?\s*\d+\s*[;,]/i.test(s)) return explainHeader(input);
  const rc = getAndPublishCertResponseCode(s);
  if (rc) return [findingForResponseCode(rc)];
  const w = webTicketError(s);
  if (w) return [findingForWebTicketError(w)];
  const ss = Object.values(SECURITY_STATUSES).find((x) => x.name.toLowerCase() === s.toLowerCase() || x.sspiConstant.toLowerCase() === s.toLowerCase());
  if (ss) return [findingForSecurityStatus(ss)];
  return [unrecognised(`the string ${JSON.stringify(clip(s, 40))}`)];
}

function explainObject(o: Record<string, unknown>): Finding[] {
  const out: Finding[] = [];
  const errorId = o.errorId;
  if (typeof errorId === 'number' || (typeof errorId === 'string' && /^\d+$/.test(errorId))) {
    const d: MsDiagnostics = { errorId: Number(errorId) };
    if (typeof o.reason === 'string') d.reason = o.reason;
    if (typeof o.source === 'string') d.source = o.source;
    const w = webTicketError(d.errorId);
    const hint = {
      ...(typeof o.faultcode === 'string' ? { fault: o.faultcode } : {}),
      ...(typeof o.credential === 'string' ? { credential: o.credential } : {}),
    };
    const f = w
      ? findingForWebTicketError(w, { ...(d.reason ? { reason: d.reason } : {}), ...(d.source ? { source: d.source } : {}), ...hint, via: 'error object' })
      : findingForUnknownErrorId(d, 'error object');
    if (typeof o.code === 'string') f.details = { ...f.details, code: clip(o.code, 80) };
    if (typeof o.message === 'string' && o.message) f.details = { ...f.details, message: clip(o.message, 300) };
    out.push(f);
  }
  if (typeof o.responseCode === 'string' || typeof o.responseCode === 'number') {
    const rc = getAndPublishCertResponseCode(o.responseCode);
    if (rc) out.push(findingForResponseCode(rc, typeof o.message === 'string' ? { description: o.message } : {}));
    else
      out.push(
        ...explainXml(`<ErrorInfo xmlns="http://schemas.microsoft.com/OCS/AuthWebServices/" ResponseCode="${String(o.responseCode).replace(/[^\w]/g, '')}"/>`),
      );
  }
  if (typeof o.securityStatus === 'number' || typeof o.securityStatus === 'string') {
    const s = securityStatus(o.securityStatus);
    out.push(...(s ? [findingForSecurityStatus(s)] : explainNumber(typeof o.securityStatus === 'number' ? o.securityStatus : Number.NaN)));
  }
  // A fetch Response / Headers-like carrying X-Ms-diagnostics.
  const headers = o.headers as { get?: (n: string) => string | null } | undefined;
  if (out.length === 0 && headers && typeof headers.get === 'function') {
    let h: string | null = null;
    try {
      h = headers.get('x-ms-diagnostics');
    } catch {
      h = null;
    }
    if (h) out.push(...explainHeader(h));
  }
  if (out.length === 0 && typeof o.code === 'string') {
    const code = o.code;
    const rc = getAndPublishCertResponseCode(code);
    if (rc && rc.code === code) out.push(findingForResponseCode(rc));
    else if (code.startsWith('ERR_')) {
      const message = typeof o.message === 'string' ? o.message : '';
      out.push({
        id: `error.${code}`,
        severity: 'error',
        summary: `${code}: ${clip(message, 300)}`,
        cause: 'An ocauth component rejected its input; the message names the field, what was expected and what was received.',
        remedy: 'Fix the field named in the message (or the peer that produced it).',
        specSection: 'MS-OCAUTHWS',
        references: [],
        details: { code },
      });
    }
  }
  return out.length > 0 ? out : [unrecognised('the object')];
}

/**
 * Every finding for the input (several for a header carrying several entries). Never throws.
 *
 * @throws never: input it cannot read gives a finding saying so.
 */
export function explainAll(input: unknown): Finding[] {
  try {
    if (typeof input === 'number') return explainNumber(input);
    if (typeof input === 'bigint') return explainNumber(Number(input));
    if (typeof input === 'string') return explainString(input);
    if (input instanceof Uint8Array) return explainXml(new TextDecoder().decode(input));
    if (typeof input === 'object' && input !== null) return explainObject(input as Record<string, unknown>);
    return [unrecognised(input === null ? 'null' : `a ${typeof input}`)];
  } catch (e) {
    // Defensive: a bug here must not take the caller down; say what happened instead.
    return [
      {
        id: 'internal.explain-failed',
        severity: 'warning',
        summary: `explain failed: ${clip(String((e as Error)?.message ?? e))}`,
        cause: 'An unexpected error inside @ocauth/diagnostics.',
        remedy: 'Report the input that caused it.',
        specSection: 'MS-OCAUTHWS',
        references: [],
      },
    ];
  }
}

/**
 * Explain an error object (`errorId` / `responseCode` / `securityStatus` / `code`), an X-Ms-diagnostics header,
 * a SOAP fault or GetAndPublishCert response (XML), a ResponseCode name/ordinal, an ErrorId, or an SSPI status.
 * Returns one Finding, or an array when a header carries several entries. Never throws.
 * Names shared by two catalogs (`InternalError`) resolve to the GetAndPublishCert ResponseCode; pass
 * `{ securityStatus: 'InternalError' }` for the SSPI one.
 *
 * @throws never: input it cannot read gives a finding saying so.
 */
export function explain(input: unknown): Finding | Finding[] {
  const all = explainAll(input);
  return all.length === 1 ? all[0]! : all;
}
