/**
 * GetAndPublishCert ErrorInfo (MS-OCAUTHWS 2.2.4.4, 3.1.4.1.3.3, 3.1.4.1.4.1).
 *
 * ```xml
 * <xs:complexType name="ErrorInfoType">
 *   <xs:sequence>
 *     <xs:element name="Description" type="xs:string" minOccurs="0" maxOccurs="1" />
 *     <xs:element name="AdditionalContext" minOccurs="0" maxOccurs="1">
 *       <xs:complexType><xs:sequence>
 *         <xs:any processContents="lax" namespace="##any" minOccurs="0" maxOccurs="unbounded" />
 *       </xs:sequence></xs:complexType>
 *     </xs:element>
 *   </xs:sequence>
 *   <xs:anyAttribute namespace="##other" processContents="lax" />
 * </xs:complexType>
 * <xs:complexType name="GetAndPublishCertErrorInfoType">
 *   <xs:complexContent>
 *     <xs:extension base="ErrorInfoType">
 *       <xs:sequence />
 *       <xs:attribute name="ResponseCode" type="GetAndPublishCertResponseCodeType" use="required" />
 *     </xs:extension>
 *   </xs:complexContent>
 * </xs:complexType>
 * ```
 * buildErrorInfo / buildGetAndPublishCertErrorResponse THROW DiagnosticsError; parseErrorInfo never throws.
 */
import { DiagnosticsError, describeReceived, type ParseIssue, type ParseResult } from './errors.js';
import { NS } from './ns.js';
import { isGetAndPublishCertResponseCode, type GetAndPublishCertResponseCode } from './response-codes.js';
import { childElements, escAttr, escXml, findElement, isElementLike, parseXmlSafe, xmlIllegalIndex, type ElementLike, type SafeXmlOptions } from './xml.js';

export interface ErrorInfo {
  /** ResponseCode attribute. Parsed values outside the enumeration are kept (with a warning). */
  responseCode: GetAndPublishCertResponseCode | (string & {});
  description?: string;
}

/** The response around an ErrorInfo, when parseErrorInfo found one. */
export interface ParsedErrorInfo extends ErrorInfo {
  /** True when responseCode is one of the spec's enumeration values. */
  known: boolean;
  /** Number of child elements of AdditionalContext (content is implementation-defined). */
  additionalContextElements: number;
  response: { responseClass: string | undefined; deviceId: string | undefined; entity: string | undefined } | undefined;
}

function checkText(field: string, v: unknown): string {
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
 * `<ErrorInfo xmlns="…AuthWebServices/" ResponseCode="…"><Description>…</Description></ErrorInfo>`.
 *
 * @throws {DiagnosticsError} ERR_DIAGNOSTICS_FIELD when the ResponseCode is not a GetAndPublishCertResponseCodeType
 * @throws value or the description holds characters XML 1.0 cannot carry.
 */
export function buildErrorInfo(e: ErrorInfo, options: { xmlns?: boolean } = {}): string {
  if (typeof e !== 'object' || e === null)
    throw new DiagnosticsError('ERR_DIAGNOSTICS_FIELD', `ErrorInfo: expected { responseCode, description? }, received ${describeReceived(e)}`);
  if (!isGetAndPublishCertResponseCode(e.responseCode)) {
    throw new DiagnosticsError(
      'ERR_DIAGNOSTICS_FIELD',
      `ErrorInfo ResponseCode: expected a GetAndPublishCertResponseCodeType value (NoError, InternalError, …, UserImproperlyProvisioned), received ${describeReceived(e.responseCode)}`,
      { field: 'responseCode' },
    );
  }
  const desc = e.description === undefined ? '' : `<Description>${escXml(checkText('Description', e.description))}</Description>`;
  return `<ErrorInfo${options.xmlns === false ? '' : ` xmlns="${NS.tns}"`} ResponseCode="${e.responseCode}">${desc}</ErrorInfo>`;
}

/**
 * A complete GetAndPublishCertResponse (ResponseClass="Error") carrying ErrorInfo (3.1.4.1.3.2).
 *
 * @throws {DiagnosticsError} ERR_DIAGNOSTICS_FIELD when the ResponseCode, DeviceId, Entity or description cannot
 * @throws be written (see {@link buildErrorInfo}).
 */
export function buildGetAndPublishCertErrorResponse(o: ErrorInfo & { deviceId: string; entity: string }): string {
  const deviceId = checkText('DeviceId', o.deviceId);
  const entity = checkText('Entity', o.entity);
  return `<GetAndPublishCertResponse xmlns="${NS.tns}" DeviceId="${escAttr(deviceId)}" Entity="${escAttr(entity)}" ResponseClass="Error">${buildErrorInfo(o, { xmlns: false })}</GetAndPublishCertResponse>`;
}

/**
 * Find and parse the ErrorInfo of a GetAndPublishCert response (envelope, GetAndPublishCertResponse, or the
 * ErrorInfo element; text, bytes or DOM node). Never throws. Fails when no ErrorInfo is present.
 *
 * @throws never: a refusal is the result's `error` (ERR_DIAGNOSTICS_XML*, ERR_DIAGNOSTICS_ERROR_INFO).
 */
export function parseErrorInfo(input: unknown, options: { xml?: SafeXmlOptions } = {}): ParseResult<ParsedErrorInfo> {
  const issues: ParseIssue[] = [];
  const failWith = (error: ParseIssue): ParseResult<ParsedErrorInfo> => {
    issues.push(error);
    return { ok: false, error, issues };
  };
  const fail = (message: string) => failWith({ code: 'ERR_DIAGNOSTICS_ERROR_INFO', severity: 'error', message });
  let root: ElementLike;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    const r = parseXmlSafe(input, 'ErrorInfo', options.xml);
    if (!r.ok) return failWith(r.error);
    root = r.doc.documentElement as unknown as ElementLike;
  } else if (isElementLike(input)) root = input;
  else if (typeof input === 'object' && input !== null && isElementLike((input as { documentElement?: unknown }).documentElement))
    root = (input as { documentElement: ElementLike }).documentElement;
  else
    return failWith({
      code: 'ERR_DIAGNOSTICS_INPUT',
      severity: 'error',
      message: `ErrorInfo: expected XML text, bytes, a Document or an Element, received ${describeReceived(input)}`,
    });

  const response = findElement(root, (e) => e.localName === 'GetAndPublishCertResponse' && e.namespaceURI === NS.tns);
  let info = findElement(response ?? root, (e) => e.localName === 'ErrorInfo' && e.namespaceURI === NS.tns);
  if (!info) {
    info = findElement(root, (e) => e.localName === 'ErrorInfo');
    if (!info) {
      const rc = response?.getAttribute('ResponseClass');
      return fail(`ErrorInfo: expected an ErrorInfo element in ${NS.tns}, received none${rc ? ` (ResponseClass ${JSON.stringify(rc)})` : ''}`);
    }
    issues.push({
      code: 'ERR_DIAGNOSTICS_ERROR_INFO',
      severity: 'warning',
      message: `ErrorInfo: expected namespace ${NS.tns}, received ${describeReceived(info.namespaceURI ?? '(none)')}; accepted by local name`,
    });
  }
  const code = info.getAttribute('ResponseCode');
  if (code === null || code === '') return fail('ErrorInfo ResponseCode: expected the required attribute (use="required"), received none');
  const trimmed = code.trim();
  if (trimmed !== code)
    issues.push({ code: 'ERR_DIAGNOSTICS_ERROR_INFO', severity: 'warning', message: 'ErrorInfo ResponseCode: surrounding whitespace ignored' });
  const known = isGetAndPublishCertResponseCode(trimmed);
  if (!known)
    issues.push({
      code: 'ERR_DIAGNOSTICS_ERROR_INFO',
      severity: 'warning',
      message: `ErrorInfo ResponseCode: ${describeReceived(trimmed)} is not a GetAndPublishCertResponseCodeType value (3.1.4.1.4.1)`,
    });
  const kids = childElements(info);
  const descs = kids.filter((e) => e.localName === 'Description');
  if (descs.length > 1)
    issues.push({
      code: 'ERR_DIAGNOSTICS_ERROR_INFO',
      severity: 'warning',
      message: `ErrorInfo: expected at most one Description, received ${descs.length}; the first is used`,
    });
  const ctx = kids.find((e) => e.localName === 'AdditionalContext');
  const value: ParsedErrorInfo = {
    responseCode: trimmed,
    known,
    additionalContextElements: ctx ? childElements(ctx).length : 0,
    response: response
      ? {
          responseClass: response.getAttribute('ResponseClass') ?? undefined,
          deviceId: response.getAttribute('DeviceId') ?? undefined,
          entity: response.getAttribute('Entity') ?? undefined,
        }
      : undefined,
  };
  if (descs[0]) value.description = descs[0].textContent ?? '';
  if (response && response.getAttribute('ResponseClass') === 'Success')
    issues.push({
      code: 'ERR_DIAGNOSTICS_ERROR_INFO',
      severity: 'warning',
      message: 'GetAndPublishCertResponse: ResponseClass is Success but an ErrorInfo is present',
    });
  return { ok: true, value, issues };
}
