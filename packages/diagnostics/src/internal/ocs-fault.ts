/**
 * SOAP faults carrying af:OCSDiagnosticsFault (MS-OCAUTHWS 2.2.4.1, 3.2, 3.2.4.1).
 *
 * ```xml
 * <xs:complexType name="OCSDiagnosticsFaultType">
 *   <xs:sequence>
 *     <xs:element name="Ms-Diagnostics-Fault" type="af:MsDiagnosticsFaultType" minOccurs="1" />
 *     <xs:any processContents="lax" namespace="##any" minOccurs="0" maxOccurs="unbounded" />
 *   </xs:sequence>
 *   <xs:anyAttribute namespace="##other" processContents="lax" />
 * </xs:complexType>
 * <xs:complexType name="MsDiagnosticsFaultType">
 *   <xs:sequence>
 *     <xs:element name="ErrorId" type="xs:positiveInteger" minOccurs="1" maxOccurs="1" />
 *     <xs:element name="Reason" type="xs:string" minOccurs="1" maxOccurs="1" />
 *     <xs:any processContents="lax" namespace="##any" minOccurs="0" maxOccurs="unbounded" />
 *   </xs:sequence>
 *   <xs:anyAttribute namespace="##other" processContents="lax" />
 * </xs:complexType>
 * ```
 * The element is a child of s:Fault/detail (SOAP 1.1) or env:Fault/env:Detail (SOAP 1.2).
 *
 * build* THROW DiagnosticsError for unrepresentable input; parse* never throw (result objects).
 */
import { DiagnosticsError, describeReceived, type ParseIssue, type ParseResult } from './errors.js';
import { NS } from './ns.js';
import { webTicketError } from './web-ticket-errors.js';
import { childElements, escXml, findElement, isElementLike, parseXmlSafe, xmlIllegalIndex, type ElementLike, type SafeXmlOptions } from './xml.js';

/** af:Ms-Diagnostics-Fault content. */
export interface MsDiagnosticsFault {
  errorId: number;
  reason: string;
}

export interface BuildOcsDiagnosticsFaultOptions {
  errorId: number;
  /** af:Reason; defaults to the catalog's reason for the ErrorId. */
  reason?: string;
  /** Qualified fault code (`wsse:FailedAuthentication`); defaults to the catalog's faultcode. */
  faultcode?: string;
  /** Namespace of the faultcode's prefix when it is not one of s, wsse, wst, wsu. */
  faultcodeNamespace?: string;
  /** faultstring / env:Reason text; defaults to the reason. */
  faultstring?: string;
  soapVersion?: '1.1' | '1.2';
  /** SOAP 1.2 env:Code value (default Receiver for the catalog's internal errors 28001/28015/28025–28027, else Sender). */
  code?: 'Sender' | 'Receiver';
  /** xml:lang of the faultstring (default en-US). */
  lang?: string;
  /** Wrap in a complete s:Envelope (default false: the s:Fault element alone, with its own xmlns:s). */
  envelope?: boolean;
}

const PREFIX_NS: Record<string, string> = { wsse: NS.wsse, wst: NS.wst, wsu: NS.wsu };
const QNAME = /^([A-Za-z_][\w.-]*):([A-Za-z_][\w.-]*)$/;

function checkXmlText(field: string, v: unknown): string {
  if (typeof v !== 'string') throw new DiagnosticsError('ERR_DIAGNOSTICS_FIELD', `${field}: expected a string, received ${describeReceived(v)}`, { field });
  const bad = xmlIllegalIndex(v);
  if (bad >= 0)
    throw new DiagnosticsError(
      'ERR_DIAGNOSTICS_FIELD',
      `${field}: expected characters XML 1.0 can carry, received U+${v.charCodeAt(bad).toString(16).toUpperCase().padStart(4, '0')} at index ${bad}`,
      { field },
    );
  return v;
}

/**
 * The af:OCSDiagnosticsFault element alone (for a detail you assemble yourself).
 *
 * @throws {DiagnosticsError} ERR_DIAGNOSTICS_FIELD when the ErrorId is not a positive integer or the reason holds
 * @throws characters XML 1.0 cannot carry.
 */
export function buildOcsDiagnosticsFaultDetail(d: MsDiagnosticsFault): string {
  if (!Number.isSafeInteger(d.errorId) || d.errorId < 1)
    throw new DiagnosticsError(
      'ERR_DIAGNOSTICS_FIELD',
      `af:ErrorId: expected a positive integer (xs:positiveInteger), received ${describeReceived(d.errorId)}`,
      { field: 'errorId' },
    );
  const reason = checkXmlText('af:Reason', d.reason);
  return `<af:OCSDiagnosticsFault xmlns:af="${NS.af}"><af:Ms-Diagnostics-Fault><af:ErrorId>${d.errorId}</af:ErrorId><af:Reason>${escXml(reason)}</af:Reason></af:Ms-Diagnostics-Fault></af:OCSDiagnosticsFault>`;
}

/** What {@link buildSoapFault} writes: a SOAP 1.1 or 1.2 Fault, with an optional detail. */
export interface BuildSoapFaultOptions {
  /** Qualified fault code (`wsse:FailedAuthentication`, `s:Client`); `s` is the envelope prefix. */
  faultcode: string;
  /** Namespace of the faultcode's prefix when it is not one of s, wsse, wst, wsu. */
  faultcodeNamespace?: string;
  /** faultstring / env:Reason text. */
  faultstring: string;
  /** af:OCSDiagnosticsFault detail (MS-OCAUTHWS 2.2.4.1). */
  diagnostics?: MsDiagnosticsFault;
  soapVersion?: '1.1' | '1.2';
  /**
   * SOAP 1.2 env:Code value when the faultcode is not an envelope code (it then becomes the Subcode),
   * default Sender. The SOAP 1.1 codes `s:Client` / `s:Server` are written as `s:Sender` / `s:Receiver`.
   */
  code?: 'Sender' | 'Receiver';
  /** xml:lang of the faultstring (default en-US). */
  lang?: string;
  /** Wrap in a complete s:Envelope (default false: the s:Fault element alone, with its own xmlns:s). */
  envelope?: boolean;
}

/**
 * The one SOAP Fault builder of ocauth: a SOAP 1.1 `s:Fault` (faultcode, faultstring, detail) or a SOAP
 * 1.2 `env:Fault` (Code/Subcode, Reason, Detail), whose detail is af:OCSDiagnosticsFault when
 * `diagnostics` is given (MS-OCAUTHWS 2.2.4.1, 3.2.4.1).
 *
 * @throws {DiagnosticsError} ERR_DIAGNOSTICS_FIELD when a field cannot be written: a faultcode that is not
 * a qualified name, an unknown prefix without `faultcodeNamespace`, characters XML 1.0 cannot carry, a
 * bad language tag, or an af:ErrorId that is not a positive integer.
 */
export function buildSoapFault(o: BuildSoapFaultOptions): string {
  if (typeof o !== 'object' || o === null)
    throw new DiagnosticsError('ERR_DIAGNOSTICS_FIELD', `SOAP Fault: expected options { faultcode, faultstring, … }, received ${describeReceived(o)}`);
  const detail = o.diagnostics !== undefined ? buildOcsDiagnosticsFaultDetail(o.diagnostics) : undefined;
  const faultcode = o.faultcode;
  const m = typeof faultcode === 'string' ? QNAME.exec(faultcode) : null;
  if (!m)
    throw new DiagnosticsError(
      'ERR_DIAGNOSTICS_FIELD',
      `faultcode: expected a qualified name prefix:local (e.g. wsse:FailedAuthentication), received ${describeReceived(faultcode)}`,
      { field: 'faultcode' },
    );
  const prefix = m[1]!;
  const version = o.soapVersion ?? '1.1';
  const envNs = version === '1.2' ? NS.soap12 : NS.soap11;
  const codeNs = prefix === 's' ? envNs : (o.faultcodeNamespace ?? PREFIX_NS[prefix]);
  if (!codeNs)
    throw new DiagnosticsError(
      'ERR_DIAGNOSTICS_FIELD',
      `faultcodeNamespace: expected the namespace of prefix "${prefix}" (only s, wsse, wst, wsu are known), received none`,
      { field: 'faultcodeNamespace' },
    );
  if (o.faultcodeNamespace !== undefined && prefix === 's')
    throw new DiagnosticsError('ERR_DIAGNOSTICS_FIELD', 'faultcodeNamespace: expected none for the envelope prefix "s", received one', {
      field: 'faultcodeNamespace',
    });
  const faultstring = checkXmlText('faultstring', o.faultstring);
  const lang = o.lang ?? 'en-US';
  if (!/^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(lang))
    throw new DiagnosticsError('ERR_DIAGNOSTICS_FIELD', `lang: expected a language tag (en-US), received ${describeReceived(lang)}`, { field: 'lang' });
  const decl = prefix === 's' ? '' : ` xmlns:${prefix}="${escXml(codeNs)}"`;
  let fault: string;
  if (version === '1.2') {
    // SOAP 1.2 part 1 §5.4.6: the 1.1 codes Client/Server are Sender/Receiver; a WS-Security/WS-Trust code is the Subcode.
    const local = m[2]!;
    const value = prefix !== 's' ? `s:${o.code ?? 'Sender'}` : local === 'Client' ? 's:Sender' : local === 'Server' ? 's:Receiver' : faultcode;
    const sub = prefix === 's' ? '' : `<s:Subcode><s:Value${decl}>${faultcode}</s:Value></s:Subcode>`;
    fault = `<s:Fault xmlns:s="${envNs}"><s:Code><s:Value>${value}</s:Value>${sub}</s:Code><s:Reason><s:Text xml:lang="${lang}">${escXml(faultstring)}</s:Text></s:Reason>${detail !== undefined ? `<s:Detail>${detail}</s:Detail>` : ''}</s:Fault>`;
  } else {
    fault = `<s:Fault xmlns:s="${envNs}"><faultcode${decl}>${faultcode}</faultcode><faultstring xml:lang="${lang}">${escXml(faultstring)}</faultstring>${detail !== undefined ? `<detail>${detail}</detail>` : ''}</s:Fault>`;
  }
  return o.envelope ? `<s:Envelope xmlns:s="${envNs}"><s:Body>${fault}</s:Body></s:Envelope>` : fault;
}

/**
 * A SOAP 1.1 or 1.2 Fault whose detail is af:OCSDiagnosticsFault, with the reason, faultcode and SOAP 1.2
 * code of the catalog entry for the ErrorId (MS-OCAUTHWS 3.2.4.1) unless given: {@link buildSoapFault}
 * with the catalog's defaults.
 *
 * @throws {DiagnosticsError} ERR_DIAGNOSTICS_FIELD when the ErrorId is not a positive integer, has no
 * catalog entry and no `reason` is given, or a field cannot be written (see {@link buildSoapFault}).
 */
export function buildOcsDiagnosticsFault(o: BuildOcsDiagnosticsFaultOptions): string {
  if (typeof o !== 'object' || o === null)
    throw new DiagnosticsError('ERR_DIAGNOSTICS_FIELD', `OCSDiagnosticsFault: expected options { errorId, … }, received ${describeReceived(o)}`);
  const known = webTicketError(o.errorId);
  const reason = o.reason ?? known?.reason;
  if (reason === undefined)
    throw new DiagnosticsError('ERR_DIAGNOSTICS_FIELD', `af:Reason: expected a reason (ErrorId ${o.errorId} is not in the catalog), received none`, {
      field: 'reason',
    });
  const diagnostics = { errorId: o.errorId, reason };
  buildOcsDiagnosticsFaultDetail(diagnostics);
  // SOAP 1.2 §5.4.6: failures of the server itself (internal errors after authentication) are env:Receiver.
  const code = o.code ?? (known && (known.stage === 'after-authentication' || /InternalError$/.test(known.name)) ? 'Receiver' : 'Sender');
  return buildSoapFault({
    faultcode: o.faultcode ?? known?.faultcode ?? 'wsse:FailedAuthentication',
    faultstring: o.faultstring ?? reason,
    diagnostics,
    code,
    ...(o.faultcodeNamespace !== undefined ? { faultcodeNamespace: o.faultcodeNamespace } : {}),
    ...(o.soapVersion !== undefined ? { soapVersion: o.soapVersion } : {}),
    ...(o.lang !== undefined ? { lang: o.lang } : {}),
    ...(o.envelope !== undefined ? { envelope: o.envelope } : {}),
  });
}

/** A SOAP fault as parsed. */
export interface SoapFault {
  soapVersion: '1.1' | '1.2';
  /** SOAP 1.1 faultcode, or SOAP 1.2 innermost Subcode value (else the Code value), as written (`wsse:InvalidSecurityToken`). */
  faultcode: string;
  /** Namespace the faultcode's prefix is bound to (undefined when unbound). */
  faultcodeNamespace: string | undefined;
  /** SOAP 1.2 env:Code/env:Value (`s:Sender`); undefined for SOAP 1.1. */
  code: string | undefined;
  faultstring: string;
  /** af:Ms-Diagnostics-Fault when the detail carries one. */
  diagnostics: MsDiagnosticsFault | undefined;
}

/** What parseOcsDiagnosticsFault returns: the diagnostics plus the surrounding fault when there is one. */
export interface OcsDiagnosticsFault extends MsDiagnosticsFault {
  fault: Omit<SoapFault, 'diagnostics'> | undefined;
}

type Input = string | Uint8Array | ElementLike | { documentElement: ElementLike | null };

function rootOf(input: unknown, what: string, xmlOptions: SafeXmlOptions | undefined): { ok: true; root: ElementLike } | { ok: false; error: ParseIssue } {
  if (typeof input === 'string' || input instanceof Uint8Array) {
    const r = parseXmlSafe(input, what, xmlOptions);
    if (!r.ok) return r;
    return { ok: true, root: r.doc.documentElement as unknown as ElementLike };
  }
  if (isElementLike(input)) return { ok: true, root: input };
  if (typeof input === 'object' && input !== null && isElementLike((input as { documentElement?: unknown }).documentElement))
    return { ok: true, root: (input as { documentElement: ElementLike }).documentElement };
  return {
    ok: false,
    error: {
      code: 'ERR_DIAGNOSTICS_INPUT',
      severity: 'error',
      message: `${what}: expected XML text, bytes, a Document or an Element, received ${describeReceived(input)}`,
    },
  };
}

const is = (e: ElementLike, ns: string, local: string) => e.localName === local && e.namespaceURI === ns;
const text = (e: ElementLike | undefined) => e?.textContent ?? '';

function parseDiagnostics(root: ElementLike, issues: ParseIssue[]): { ok: true; value: MsDiagnosticsFault } | { ok: false; error: ParseIssue } | undefined {
  const err = (message: string) => ({ ok: false as const, error: { code: 'ERR_DIAGNOSTICS_FAULT' as const, severity: 'error' as const, message } });
  let ocs = findElement(root, (e) => is(e, NS.af, 'OCSDiagnosticsFault') || is(e, NS.af, 'Ms-Diagnostics-Fault'));
  if (!ocs) {
    ocs = findElement(root, (e) => e.localName === 'OCSDiagnosticsFault' || e.localName === 'Ms-Diagnostics-Fault');
    if (!ocs) return undefined;
    issues.push({
      code: 'ERR_DIAGNOSTICS_FAULT',
      severity: 'warning',
      message: `${ocs.localName}: expected namespace ${NS.af}, received ${describeReceived(ocs.namespaceURI ?? '(none)')}; accepted by local name`,
    });
  }
  const ns = ocs.namespaceURI;
  const inner =
    ocs.localName === 'Ms-Diagnostics-Fault' ? ocs : childElements(ocs).find((e) => e.localName === 'Ms-Diagnostics-Fault' && e.namespaceURI === ns);
  if (!inner) return err('af:OCSDiagnosticsFault: expected an af:Ms-Diagnostics-Fault child (minOccurs=1), received none');
  const kids = childElements(inner);
  const ids = kids.filter((e) => e.localName === 'ErrorId' && e.namespaceURI === ns);
  const reasons = kids.filter((e) => e.localName === 'Reason' && e.namespaceURI === ns);
  if (ids.length === 0) return err('af:Ms-Diagnostics-Fault: expected an af:ErrorId child, received none');
  if (ids.length > 1) return err(`af:Ms-Diagnostics-Fault: expected exactly one af:ErrorId (maxOccurs=1), received ${ids.length}`);
  const idText = text(ids[0]).trim();
  if (!/^\+?\d{1,15}$/.test(idText) || Number(idText) < 1)
    return err(`af:ErrorId: expected a positive integer (xs:positiveInteger), received ${describeReceived(idText)}`);
  if (reasons.length > 1) return err(`af:Ms-Diagnostics-Fault: expected exactly one af:Reason (maxOccurs=1), received ${reasons.length}`);
  if (reasons.length === 0)
    issues.push({
      code: 'ERR_DIAGNOSTICS_FAULT',
      severity: 'warning',
      message: 'af:Ms-Diagnostics-Fault: expected an af:Reason child (minOccurs=1), received none; reason is empty',
    });
  return { ok: true, value: { errorId: Number(idText), reason: text(reasons[0]) } };
}

/**
 * Parse a SOAP fault (envelope, Fault element, or bare detail/OCSDiagnosticsFault) of SOAP 1.1 or 1.2, any
 * prefixes. Never throws. `value.diagnostics` is set when an af:OCSDiagnosticsFault is present.
 *
 * @throws never: a refusal is the result's `error` (ERR_DIAGNOSTICS_XML*, ERR_DIAGNOSTICS_FAULT).
 */
export function parseSoapFault(input: Input | unknown, options: { xml?: SafeXmlOptions } = {}): ParseResult<SoapFault> {
  const issues: ParseIssue[] = [];
  const failWith = (error: ParseIssue): ParseResult<SoapFault> => {
    issues.push(error);
    return { ok: false, error, issues };
  };
  const fail = (message: string) => failWith({ code: 'ERR_DIAGNOSTICS_FAULT', severity: 'error', message });
  const r = rootOf(input, 'SOAP fault', options.xml);
  if (!r.ok) return failWith(r.error);
  const root = r.root;
  let fault: ElementLike | undefined;
  if (root.localName === 'Fault' && (root.namespaceURI === NS.soap11 || root.namespaceURI === NS.soap12)) fault = root;
  else if (root.localName === 'Envelope' && (root.namespaceURI === NS.soap11 || root.namespaceURI === NS.soap12)) {
    const body = childElements(root).find((e) => e.localName === 'Body' && e.namespaceURI === root.namespaceURI);
    if (!body) return fail(`Envelope: expected a Body in ${root.namespaceURI}, received none`);
    fault = childElements(body).find((e) => e.localName === 'Fault' && e.namespaceURI === root.namespaceURI);
    if (!fault)
      return fail(
        'Body: expected a SOAP Fault element, received ' +
          (childElements(body)
            .map((e) => e.localName)
            .join(', ') || 'an empty Body'),
      );
  } else if (root.localName === 'Envelope' || root.localName === 'Fault') {
    return fail(`${root.localName}: expected the SOAP 1.1 or 1.2 envelope namespace, received ${describeReceived(root.namespaceURI ?? '(none)')}`);
  } else {
    return fail(`SOAP fault: expected an Envelope or Fault element, received <${root.localName}> (use parseOcsDiagnosticsFault for a bare detail)`);
  }
  const v12 = fault.namespaceURI === NS.soap12;
  const kids = childElements(fault);
  let faultcode: string;
  let faultcodeEl: ElementLike | undefined;
  let code: string | undefined;
  let faultstring: string;
  let detail: ElementLike | undefined;
  if (!v12) {
    // SOAP 1.1 §4.4: faultcode, faultstring, faultactor, detail are unqualified.
    const pick = (local: string) => {
      const hits = kids.filter((e) => e.localName === local && (e.namespaceURI === null || e.namespaceURI === ''));
      if (hits.length === 0) {
        const q = kids.find((e) => e.localName === local);
        if (q) {
          issues.push({
            code: 'ERR_DIAGNOSTICS_FAULT',
            severity: 'warning',
            message: `Fault/${local}: expected an unqualified element (SOAP 1.1 §4.4), received one in ${describeReceived(q.namespaceURI)}`,
          });
          return q;
        }
      }
      return hits[0];
    };
    faultcodeEl = pick('faultcode');
    if (!faultcodeEl) return fail('Fault: expected a faultcode child (SOAP 1.1 §4.4), received none');
    faultcode = text(faultcodeEl).trim();
    faultstring = text(pick('faultstring'));
    if (!pick('faultstring'))
      issues.push({ code: 'ERR_DIAGNOSTICS_FAULT', severity: 'warning', message: 'Fault: expected a faultstring child (SOAP 1.1 §4.4), received none' });
    detail = pick('detail');
  } else {
    const codeEl = kids.find((e) => is(e, NS.soap12, 'Code'));
    if (!codeEl) return fail('Fault: expected an env:Code child (SOAP 1.2 §5.4.6), received none');
    const value = childElements(codeEl).find((e) => is(e, NS.soap12, 'Value'));
    if (!value) return fail('Fault/Code: expected an env:Value child, received none');
    code = text(value).trim();
    faultcodeEl = value;
    faultcode = code;
    let cur: ElementLike = codeEl;
    for (let depth = 0; depth < 16; depth++) {
      const sub = childElements(cur).find((e) => is(e, NS.soap12, 'Subcode'));
      if (!sub) break;
      const sv = childElements(sub).find((e) => is(e, NS.soap12, 'Value'));
      if (!sv) return fail('Fault/Code/Subcode: expected an env:Value child, received none');
      faultcode = text(sv).trim();
      faultcodeEl = sv;
      cur = sub;
    }
    const reasonEl = kids.find((e) => is(e, NS.soap12, 'Reason'));
    const texts = reasonEl ? childElements(reasonEl).filter((e) => is(e, NS.soap12, 'Text')) : [];
    if (texts.length === 0)
      issues.push({ code: 'ERR_DIAGNOSTICS_FAULT', severity: 'warning', message: 'Fault: expected env:Reason/env:Text (SOAP 1.2 §5.4.2), received none' });
    faultstring = text(texts.find((t) => /^en\b/i.test(t.getAttribute('xml:lang') ?? '')) ?? texts[0]);
    detail = kids.find((e) => is(e, NS.soap12, 'Detail'));
  }
  if (faultcode === '') return fail('Fault: expected a faultcode value (a QName), received an empty one');
  const qm = /^(?:([^:\s]+):)?([^:\s]+)$/.exec(faultcode);
  if (!qm) return fail(`faultcode: expected a QName, received ${describeReceived(faultcode)}`);
  const faultcodeNamespace = faultcodeEl.lookupNamespaceURI(qm[1] ?? null) ?? undefined;
  if (qm[1] && !faultcodeNamespace)
    issues.push({ code: 'ERR_DIAGNOSTICS_FAULT', severity: 'warning', message: `faultcode: prefix ${JSON.stringify(qm[1])} is not bound to a namespace` });
  let diagnostics: MsDiagnosticsFault | undefined;
  if (detail) {
    const d = parseDiagnostics(detail, issues);
    if (d && !d.ok) return failWith(d.error);
    diagnostics = d?.value;
  }
  return { ok: true, value: { soapVersion: v12 ? '1.2' : '1.1', faultcode, faultcodeNamespace, code, faultstring, diagnostics }, issues };
}

/**
 * Parse af:OCSDiagnosticsFault from a SOAP fault (envelope or Fault, SOAP 1.1/1.2), a detail element, the
 * af:OCSDiagnosticsFault or af:Ms-Diagnostics-Fault element itself; XML text/bytes or a DOM node. Never throws.
 *
 * @throws never: a refusal is the result's `error` (ERR_DIAGNOSTICS_XML*, ERR_DIAGNOSTICS_FAULT).
 */
export function parseOcsDiagnosticsFault(input: Input | unknown, options: { xml?: SafeXmlOptions } = {}): ParseResult<OcsDiagnosticsFault> {
  const r = rootOf(input, 'OCSDiagnosticsFault', options.xml);
  if (!r.ok) return { ok: false, error: r.error, issues: [r.error] };
  const root = r.root;
  if (root.localName === 'Envelope' || root.localName === 'Fault') {
    const f = parseSoapFault(root);
    if (!f.ok) return f;
    const { diagnostics, ...fault } = f.value;
    if (!diagnostics) {
      const error: ParseIssue = {
        code: 'ERR_DIAGNOSTICS_FAULT',
        severity: 'error',
        message: `SOAP fault ${fault.faultcode}: expected an af:OCSDiagnosticsFault in its detail, received none`,
      };
      return { ok: false, error, issues: [...f.issues, error] };
    }
    return { ok: true, value: { ...diagnostics, fault }, issues: f.issues };
  }
  const issues: ParseIssue[] = [];
  const d = parseDiagnostics(root, issues);
  if (!d) {
    const error: ParseIssue = {
      code: 'ERR_DIAGNOSTICS_FAULT',
      severity: 'error',
      message: `OCSDiagnosticsFault: expected af:OCSDiagnosticsFault or af:Ms-Diagnostics-Fault, received <${root.localName}> without one`,
    };
    return { ok: false, error, issues: [...issues, error] };
  }
  if (!d.ok) return { ok: false, error: d.error, issues: [...issues, d.error] };
  return { ok: true, value: { ...d.value, fault: undefined }, issues };
}
