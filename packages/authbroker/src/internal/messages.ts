// MS-OCAUTHWS 3.3.4 / 6.3: the IAuthBroker messages of the seven operations, built and parsed.
import { childElements, describeElement as qname, isElement } from '@ocauth/c14n';
import { NS, type Finding } from '@ocauth/diagnostics';
import type { Document, Element } from '@xmldom/xmldom';
import { AuthBrokerError, describeReceived } from './errors.js';
import { actionOf, type AuthBrokerOperation, operationOfAction } from './actions.js';
import { DEFAULT_MAX_XML_BYTES, escapeText, isNil, parseXml, serialize, textOf, type XNode } from './xml.js';

// ---------------------------------------------------------------------------------------------
// Request bodies (MS-OCAUTHWS 3.3.4.x.2.1). `undefined` = element absent (minOccurs="0"),
// `null` = xsi:nil="true" (nillable="true").
// ---------------------------------------------------------------------------------------------

/**
 * MS-OCAUTHWS 3.3.4.1.2.1
 * ```xml
 * <xs:element name="CreateAuthBrokerSession"><xs:complexType><xs:sequence>
 *   <xs:element minOccurs="0" name="supportedHashAlgorithms" nillable="true" type="q5:ArrayOfstring"
 *     xmlns:q5="http://schemas.microsoft.com/2003/10/Serialization/Arrays" />
 * </xs:sequence></xs:complexType></xs:element>
 * ```
 */
export interface CreateAuthBrokerSession {
  supportedHashAlgorithms?: string[] | null;
}

/**
 * MS-OCAUTHWS 3.3.4.2.2.1
 * ```xml
 * <xs:element name="TerminateAuthBrokerSession"><xs:complexType><xs:sequence>
 *   <xs:element minOccurs="0" name="sessionID" nillable="true" type="xs:string" />
 * </xs:sequence></xs:complexType></xs:element>
 * ```
 */
export interface TerminateAuthBrokerSession {
  sessionId?: string | null;
}

/**
 * MS-OCAUTHWS 3.3.4.3.2.1
 * ```xml
 * <xs:element name="AuthBrokerAcquireCredential"><xs:complexType><xs:sequence>
 *   <xs:element minOccurs="0" name="sessionid" nillable="true" type="xs:string" />
 *   <xs:element minOccurs="0" name="sipInstance" nillable="true" type="xs:string" />
 * </xs:sequence></xs:complexType></xs:element>
 * ```
 */
export interface AuthBrokerAcquireCredential {
  sessionId?: string | null;
  sipInstance?: string | null;
}

/**
 * MS-OCAUTHWS 3.3.4.4.2.1 (and 3.3.4.7.2.1 for V2, same content)
 * ```xml
 * <xs:element name="AuthBrokerNegotiateSecurityAssociation"><xs:complexType><xs:sequence>
 *   <xs:element minOccurs="0" name="sessionid" nillable="true" type="xs:string" />
 *   <xs:element minOccurs="0" name="target" nillable="true" type="xs:string" />
 *   <xs:element minOccurs="0" name="input" nillable="true" type="xs:string" />
 * </xs:sequence></xs:complexType></xs:element>
 * ```
 */
export interface AuthBrokerNegotiateSecurityAssociation {
  sessionId?: string | null;
  target?: string | null;
  /** base64 gssapi-data from the SIP server; absent for the first leg (client_hello). */
  input?: string | null;
}

/**
 * MS-OCAUTHWS 3.3.4.5.2.1
 * ```xml
 * <xs:element name="CreateAuthBrokerSessionV2"><xs:complexType><xs:sequence /></xs:complexType></xs:element>
 * ```
 */
export type CreateAuthBrokerSessionV2 = Record<string, never>;

/**
 * MS-OCAUTHWS 3.3.4.6.2.1
 * ```xml
 * <xs:element name="AuthBrokerAcquireCredentialV2"><xs:complexType><xs:sequence>
 *   <xs:element minOccurs="0" name="sessionid" nillable="true" type="xs:string" />
 *   <xs:element minOccurs="0" name="sipInstance" nillable="true" type="xs:string" />
 *   <xs:element minOccurs="0" name="supportedHashAlgorithms" nillable="true" type="q5:ArrayOfstring"
 *     xmlns:q5="http://schemas.microsoft.com/2003/10/Serialization/Arrays" />
 * </xs:sequence></xs:complexType></xs:element>
 * ```
 */
export interface AuthBrokerAcquireCredentialV2 {
  sessionId?: string | null;
  sipInstance?: string | null;
  supportedHashAlgorithms?: string[] | null;
}

/** MS-OCAUTHWS 3.3.4.7.2.1: same content as AuthBrokerNegotiateSecurityAssociation. */
export type AuthBrokerNegotiateSecurityAssociationV2 = AuthBrokerNegotiateSecurityAssociation;

// ---------------------------------------------------------------------------------------------
// Response bodies
// ---------------------------------------------------------------------------------------------

/**
 * MS-OCAUTHWS 3.3.4.1.3.1 (inside tns:CreateAuthBrokerSessionResponse/CreateAuthBrokerSessionResult)
 * ```xml
 * <xs:complexType name="CreateAuthBrokerSessionResponse"><xs:sequence>
 *   <xs:element minOccurs="0" name="HashAlgorithm" nillable="true" type="xs:string" />
 *   <xs:element minOccurs="0" name="SessionId" nillable="true" type="xs:string" />
 * </xs:sequence></xs:complexType>
 * ```
 */
export interface CreateAuthBrokerSessionResponse {
  hashAlgorithm?: string | null;
  sessionId?: string | null;
}

/** MS-OCAUTHWS 3.3.4.2.2.2: `<xs:sequence />`. */
export type TerminateAuthBrokerSessionResponse = Record<string, never>;

/**
 * MS-OCAUTHWS 3.3.4.3.2.2 (and 3.3.4.6.2.2 for V2)
 * ```xml
 * <xs:element name="AuthBrokerAcquireCredentialResponse"><xs:complexType><xs:sequence>
 *   <xs:element minOccurs="0" name="AuthBrokerAcquireCredentialResult" type="xs:long" />
 * </xs:sequence></xs:complexType></xs:element>
 * ```
 * The remaining lifetime of the certificate in seconds; 0 when it expired or could not be obtained.
 */
export interface AuthBrokerAcquireCredentialResponse {
  result?: number;
}
export type AuthBrokerAcquireCredentialV2Response = AuthBrokerAcquireCredentialResponse;

/**
 * MS-OCAUTHWS 3.3.4.4.3.1 – 3.3.4.4.3.3 (NegotiateSaResponse ⊃ SAReturnData ⊃ AuthReturnValuePair)
 * ```xml
 * <xs:complexType name="AuthReturnValuePair"><xs:sequence>
 *   <xs:element minOccurs="0" name="OutString" nillable="true" type="xs:string" />
 *   <xs:element minOccurs="0" name="SecurityStatus" type="xs:int" />
 * </xs:sequence></xs:complexType>
 * <xs:complexType name="SAReturnData"><xs:complexContent mixed="false"><xs:extension base="tns:AuthReturnValuePair"><xs:sequence>
 *   <xs:element minOccurs="0" name="MaxSignature" type="xs:unsignedInt" />
 * </xs:sequence></xs:extension></xs:complexContent></xs:complexType>
 * <xs:complexType name="NegotiateSaResponse"><xs:complexContent mixed="false"><xs:extension base="tns:SAReturnData"><xs:sequence>
 *   <xs:element minOccurs="0" name="ClientSigningKey" nillable="true" type="xs:string" />
 *   <xs:element minOccurs="0" name="ServerSigningKey" nillable="true" type="xs:string" />
 * </xs:sequence></xs:extension></xs:complexContent></xs:complexType>
 * ```
 */
export interface NegotiateSaResponse {
  outString?: string | null;
  securityStatus?: number;
  maxSignature?: number;
  clientSigningKey?: string | null;
  serverSigningKey?: string | null;
}

/**
 * MS-OCAUTHWS 3.3.4.7.3.1 – 3.3.4.7.3.2 (NegotiateSaResponseV2 ⊃ SAReturnDataV2 ⊃ SAReturnData)
 * ```xml
 * <xs:complexType name="SAReturnDataV2"><xs:complexContent mixed="false"><xs:extension base="tns:SAReturnData"><xs:sequence>
 *   <xs:element minOccurs="0" name="HashAlgorithm" type="xs:unsignedInt" />
 * </xs:sequence></xs:extension></xs:complexContent></xs:complexType>
 * ```
 */
export interface NegotiateSaResponseV2 extends NegotiateSaResponse {
  hashAlgorithm?: number;
}

/** MS-OCAUTHWS 3.3.4.5.2.2: `<xs:element minOccurs="0" name="SessionId" nillable="true" type="xs:string" />`. */
export interface CreateAuthBrokerSessionV2Response {
  sessionId?: string | null;
}

export interface AuthBrokerRequestBodies {
  CreateAuthBrokerSession: CreateAuthBrokerSession;
  TerminateAuthBrokerSession: TerminateAuthBrokerSession;
  AuthBrokerAcquireCredential: AuthBrokerAcquireCredential;
  AuthBrokerNegotiateSecurityAssociation: AuthBrokerNegotiateSecurityAssociation;
  CreateAuthBrokerSessionV2: CreateAuthBrokerSessionV2;
  AuthBrokerAcquireCredentialV2: AuthBrokerAcquireCredentialV2;
  AuthBrokerNegotiateSecurityAssociationV2: AuthBrokerNegotiateSecurityAssociationV2;
}

export interface AuthBrokerResponseBodies {
  CreateAuthBrokerSession: CreateAuthBrokerSessionResponse;
  TerminateAuthBrokerSession: TerminateAuthBrokerSessionResponse;
  AuthBrokerAcquireCredential: AuthBrokerAcquireCredentialResponse;
  AuthBrokerNegotiateSecurityAssociation: NegotiateSaResponse;
  CreateAuthBrokerSessionV2: CreateAuthBrokerSessionV2Response;
  AuthBrokerAcquireCredentialV2: AuthBrokerAcquireCredentialV2Response;
  AuthBrokerNegotiateSecurityAssociationV2: NegotiateSaResponseV2;
}

// ---------------------------------------------------------------------------------------------
// Field layout of each body: element name, kind.
// ---------------------------------------------------------------------------------------------

type Kind = 'string' | 'strings' | 'int' | 'long' | 'uint';
interface Field {
  prop: string;
  element: string;
  kind: Kind;
  ns?: string;
}

const REQUEST_FIELDS: Record<AuthBrokerOperation, Field[]> = {
  CreateAuthBrokerSession: [{ prop: 'supportedHashAlgorithms', element: 'supportedHashAlgorithms', kind: 'strings' }],
  TerminateAuthBrokerSession: [{ prop: 'sessionId', element: 'sessionID', kind: 'string' }],
  AuthBrokerAcquireCredential: [
    { prop: 'sessionId', element: 'sessionid', kind: 'string' },
    { prop: 'sipInstance', element: 'sipInstance', kind: 'string' },
  ],
  AuthBrokerNegotiateSecurityAssociation: [
    { prop: 'sessionId', element: 'sessionid', kind: 'string' },
    { prop: 'target', element: 'target', kind: 'string' },
    { prop: 'input', element: 'input', kind: 'string' },
  ],
  CreateAuthBrokerSessionV2: [],
  AuthBrokerAcquireCredentialV2: [
    { prop: 'sessionId', element: 'sessionid', kind: 'string' },
    { prop: 'sipInstance', element: 'sipInstance', kind: 'string' },
    { prop: 'supportedHashAlgorithms', element: 'supportedHashAlgorithms', kind: 'strings' },
  ],
  AuthBrokerNegotiateSecurityAssociationV2: [
    { prop: 'sessionId', element: 'sessionid', kind: 'string' },
    { prop: 'target', element: 'target', kind: 'string' },
    { prop: 'input', element: 'input', kind: 'string' },
  ],
};

const NEGOTIATE_BASE: Field[] = [
  { prop: 'outString', element: 'OutString', kind: 'string' },
  { prop: 'securityStatus', element: 'SecurityStatus', kind: 'int' },
  { prop: 'maxSignature', element: 'MaxSignature', kind: 'uint' },
];
const NEGOTIATE_KEYS: Field[] = [
  { prop: 'clientSigningKey', element: 'ClientSigningKey', kind: 'string' },
  { prop: 'serverSigningKey', element: 'ServerSigningKey', kind: 'string' },
];

/** Response layout: `wrapper` is the *Result element (datacontract children) or none (tempuri children). */
const RESPONSE_LAYOUT: Record<AuthBrokerOperation, { result?: string; fields: Field[] }> = {
  CreateAuthBrokerSession: {
    result: 'CreateAuthBrokerSessionResult',
    fields: [
      { prop: 'hashAlgorithm', element: 'HashAlgorithm', kind: 'string' },
      { prop: 'sessionId', element: 'SessionId', kind: 'string' },
    ],
  },
  TerminateAuthBrokerSession: { fields: [] },
  AuthBrokerAcquireCredential: { fields: [{ prop: 'result', element: 'AuthBrokerAcquireCredentialResult', kind: 'long' }] },
  AuthBrokerNegotiateSecurityAssociation: { result: 'AuthBrokerNegotiateSecurityAssociationResult', fields: [...NEGOTIATE_BASE, ...NEGOTIATE_KEYS] },
  CreateAuthBrokerSessionV2: { fields: [{ prop: 'sessionId', element: 'SessionId', kind: 'string' }] },
  AuthBrokerAcquireCredentialV2: { fields: [{ prop: 'result', element: 'AuthBrokerAcquireCredentialV2Result', kind: 'long' }] },
  AuthBrokerNegotiateSecurityAssociationV2: {
    result: 'AuthBrokerNegotiateSecurityAssociationV2Result',
    fields: [...NEGOTIATE_BASE, { prop: 'hashAlgorithm', element: 'HashAlgorithm', kind: 'uint' }, ...NEGOTIATE_KEYS],
  },
};

// ---------------------------------------------------------------------------------------------
// Building
// ---------------------------------------------------------------------------------------------

export interface AuthBrokerRequestHeaders {
  /** WS-Addressing MessageID (`urn:uuid:…`). */
  messageId: string;
  /** WS-Addressing To: the broker's URL (…/Reach/Sip.svc/AuthBroker). */
  to?: string;
  /** wsu:Timestamp inside wsse:Security (ISO 8601 strings). */
  timestamp?: { created: string; expires: string };
  /** The web ticket (the saml:Assertion element as issued), inserted verbatim into wsse:Security. */
  webTicket?: string;
}

export interface BuildOptions {
  /** Indent with two spaces per level, the layout of the spec examples (default: no whitespace). */
  indent?: boolean;
}

const nilAttr = [
  ['i:nil', 'true'],
  ['xmlns:i', NS.xsi],
] as const;

function valueNode(name: string, kind: Kind, value: unknown, itemNs?: string): XNode | undefined {
  if (value === undefined) return undefined;
  if (value === null) return { name, attrs: nilAttr };
  if (kind === 'strings') {
    const items = value as string[];
    return { name, children: items.map((s) => ({ name: itemNs ?? 'string', text: s })) };
  }
  return { name, text: String(value) };
}

function bodyNode(operation: AuthBrokerOperation, body: Record<string, unknown>): XNode {
  const fields = REQUEST_FIELDS[operation];
  const usesArray = fields.some((f) => f.kind === 'strings' && body[f.prop] !== undefined && body[f.prop] !== null);
  if (usesArray) {
    // The layout of 4.3.1: default namespace = Serialization/Arrays for the <string> items, a: = tempuri.
    const children = fields.map((f) => valueNode(`a:${f.element}`, f.kind, body[f.prop])).filter((n): n is XNode => !!n);
    return {
      name: `a:${operation}`,
      attrs: [
        ['xmlns', NS.arrays],
        ['xmlns:a', NS.tempuri],
      ],
      children,
    };
  }
  const children = fields.map((f) => valueNode(f.element, f.kind, body[f.prop])).filter((n): n is XNode => !!n);
  return { name: operation, attrs: [['xmlns', NS.tempuri]], children };
}

function checkBody(operation: AuthBrokerOperation, body: Record<string, unknown>, fields: Field[]): void {
  for (const f of fields) {
    const v = body[f.prop];
    if (v === undefined || v === null) continue;
    const ok =
      f.kind === 'string'
        ? typeof v === 'string'
        : f.kind === 'strings'
          ? Array.isArray(v) && v.every((s) => typeof s === 'string')
          : f.kind === 'int'
            ? Number.isInteger(v) && (v as number) >= -0x80000000 && (v as number) <= 0x7fffffff
            : f.kind === 'uint'
              ? Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff
              : Number.isSafeInteger(v);
    if (!ok)
      throw new AuthBrokerError(
        'ERR_AUTHBROKER_MESSAGE',
        `${operation}.${f.prop}: expected ${f.kind === 'strings' ? 'an array of strings' : f.kind === 'string' ? 'a string' : `an integer (xs:${f.kind})`}, received ${describeReceived(v)}`,
      );
  }
}

// The compact layout (no indentation) written straight as text: what the client and the handler send on
// every call. Byte for byte the tree + serialize() layout of the indented path without its whitespace
// (held to it by test/messages-text.test.ts over generated bodies and headers).
const NIL_WITH_NS = ` i:nil="true" xmlns:i="${NS.xsi}"`;
const ENVELOPE_REQUEST_OPEN = `<s:Envelope xmlns:a="${NS.wsa10}" xmlns:s="${NS.soap11}"><s:Header>`;
const ENVELOPE_RESPONSE_OPEN = `<s:Envelope xmlns:s="${NS.soap11}" xmlns:a="${NS.wsa10}"><s:Header>`;
const MUST_UNDERSTAND = ' s:mustUnderstand="1"';

/** `<name attrs>escaped text</name>`, or `<name attrs/>` when the text is empty (serialize()'s rule). */
function textElement(name: string, attrs: string, text: string): string {
  return text === '' ? `<${name}${attrs}/>` : `<${name}${attrs}>${escapeText(text)}</${name}>`;
}

/** `<name attrs>children</name>`, or `<name attrs/>` without children. */
function parentElement(name: string, attrs: string, children: string): string {
  return children === '' ? `<${name}${attrs}/>` : `<${name}${attrs}>${children}</${name}>`;
}

/** valueNode() as text: absent → nothing, null → xsi:nil, an array → <string> items, else the value's text. */
function valueText(name: string, kind: Kind, value: unknown, nil: string): string {
  if (value === undefined) return '';
  if (value === null) return `<${name}${nil}/>`;
  if (kind === 'strings') {
    let items = '';
    for (const item of value as string[]) items += textElement('string', '', item);
    return parentElement(name, '', items);
  }
  return textElement(name, '', String(value));
}

function requestText(operation: AuthBrokerOperation, b: Record<string, unknown>, headers: AuthBrokerRequestHeaders): string {
  let out = ENVELOPE_REQUEST_OPEN;
  out += textElement('a:Action', MUST_UNDERSTAND, actionOf(operation, 'request'));
  out += textElement('a:MessageID', '', headers.messageId);
  if (headers.to !== undefined) out += textElement('a:To', MUST_UNDERSTAND, headers.to);
  if (headers.timestamp || headers.webTicket) {
    let sec = '';
    if (headers.timestamp) {
      sec += `<Timestamp xmlns="${NS.wsu}">${textElement('Created', '', headers.timestamp.created)}${textElement('Expires', '', headers.timestamp.expires)}</Timestamp>`;
    }
    if (headers.webTicket) sec += headers.webTicket.trim();
    // A Security whose only child is an all-blank ticket still has that (empty) child: never self-closed.
    out += `<o:Security${MUST_UNDERSTAND} xmlns:o="${NS.wsse}">${sec}</o:Security>`;
  }
  out += '</s:Header><s:Body>';
  const fields = REQUEST_FIELDS[operation];
  const usesArray = fields.some((f) => f.kind === 'strings' && b[f.prop] !== undefined && b[f.prop] !== null);
  let children = '';
  if (usesArray) {
    // The layout of 4.3.1: default namespace = Serialization/Arrays for the <string> items, a: = tempuri.
    for (const f of fields) children += valueText(`a:${f.element}`, f.kind, b[f.prop], NIL_WITH_NS);
    out += parentElement(`a:${operation}`, ` xmlns="${NS.arrays}" xmlns:a="${NS.tempuri}"`, children);
  } else {
    for (const f of fields) children += valueText(f.element, f.kind, b[f.prop], NIL_WITH_NS);
    out += parentElement(operation, ` xmlns="${NS.tempuri}"`, children);
  }
  return `${out}</s:Body></s:Envelope>`;
}

function responseText(operation: AuthBrokerOperation, b: Record<string, unknown>, headers: { relatesTo?: string }): string {
  const layout = RESPONSE_LAYOUT[operation];
  let inner = '';
  if (layout.result) {
    // xmlns:i is declared on the result already: no per-element declaration.
    let fields = '';
    for (const f of layout.fields) fields += valueText(`b:${f.element}`, f.kind, b[f.prop], ' i:nil="true"');
    inner = parentElement(layout.result, ` xmlns:b="${NS.datacontract}" xmlns:i="${NS.xsi}"`, fields);
  } else {
    for (const f of layout.fields) inner += valueText(f.element, f.kind, b[f.prop], NIL_WITH_NS);
  }
  let out = ENVELOPE_RESPONSE_OPEN + textElement('a:Action', MUST_UNDERSTAND, actionOf(operation, 'response'));
  if (headers.relatesTo !== undefined) out += textElement('a:RelatesTo', '', headers.relatesTo);
  return `${out}</s:Header><s:Body>${parentElement(`${operation}Response`, ` xmlns="${NS.tempuri}"`, inner)}</s:Body></s:Envelope>`;
}

/**
 * A request envelope for one of the seven operations, laid out like the spec examples (4.3.1 …).
 * @throws {AuthBrokerError} ERR_AUTHBROKER_MESSAGE when a body field has the wrong type (e.g. a non-integer where xs:int is expected).
 */
export function buildAuthBrokerRequest<O extends AuthBrokerOperation>(
  operation: O,
  body: AuthBrokerRequestBodies[O],
  headers: AuthBrokerRequestHeaders,
  options: BuildOptions = {},
): string {
  const b = body as unknown as Record<string, unknown>;
  checkBody(operation, b, REQUEST_FIELDS[operation]);
  if (!options.indent) return requestText(operation, b, headers);
  const header: XNode[] = [
    { name: 'a:Action', attrs: [['s:mustUnderstand', '1']], text: actionOf(operation, 'request') },
    { name: 'a:MessageID', text: headers.messageId },
  ];
  if (headers.to !== undefined) header.push({ name: 'a:To', attrs: [['s:mustUnderstand', '1']], text: headers.to });
  if (headers.timestamp || headers.webTicket) {
    const sec: XNode[] = [];
    if (headers.timestamp) {
      sec.push({
        name: 'Timestamp',
        attrs: [['xmlns', NS.wsu]],
        children: [
          { name: 'Created', text: headers.timestamp.created },
          { name: 'Expires', text: headers.timestamp.expires },
        ],
      });
    }
    if (headers.webTicket) sec.push({ name: '', raw: headers.webTicket.trim() });
    header.push({
      name: 'o:Security',
      attrs: [
        ['s:mustUnderstand', '1'],
        ['xmlns:o', NS.wsse],
      ],
      children: sec,
    });
  }
  const env: XNode = {
    name: 's:Envelope',
    attrs: [
      ['xmlns:a', NS.wsa10],
      ['xmlns:s', NS.soap11],
    ],
    children: [
      { name: 's:Header', children: header },
      { name: 's:Body', children: [bodyNode(operation, b)] },
    ],
  };
  return serialize(env, !!options.indent);
}

/**
 * A response envelope, laid out like the spec examples (4.3.2 …).
 * @throws {AuthBrokerError} ERR_AUTHBROKER_MESSAGE when a body field has the wrong type.
 */
export function buildAuthBrokerResponse<O extends AuthBrokerOperation>(
  operation: O,
  body: AuthBrokerResponseBodies[O],
  headers: { relatesTo?: string },
  options: BuildOptions = {},
): string {
  const layout = RESPONSE_LAYOUT[operation];
  const b = body as unknown as Record<string, unknown>;
  checkBody(operation, b, layout.fields);
  if (!options.indent) return responseText(operation, b, headers);
  let inner: XNode[];
  if (layout.result) {
    const children = layout.fields.map((f) => valueNode(`b:${f.element}`, f.kind, b[f.prop])).filter((n): n is XNode => !!n);
    // xmlns:i is declared on the result already: drop the per-element declaration.
    const fix = children.map((c) => (c.attrs === nilAttr ? { ...c, attrs: [['i:nil', 'true']] as const } : c));
    inner = [
      {
        name: layout.result,
        attrs: [
          ['xmlns:b', NS.datacontract],
          ['xmlns:i', NS.xsi],
        ],
        children: fix,
      },
    ];
  } else {
    inner = layout.fields.map((f) => valueNode(f.element, f.kind, b[f.prop])).filter((n): n is XNode => !!n);
  }
  const header: XNode[] = [{ name: 'a:Action', attrs: [['s:mustUnderstand', '1']], text: actionOf(operation, 'response') }];
  if (headers.relatesTo !== undefined) header.push({ name: 'a:RelatesTo', text: headers.relatesTo });
  const env: XNode = {
    name: 's:Envelope',
    attrs: [
      ['xmlns:s', NS.soap11],
      ['xmlns:a', NS.wsa10],
    ],
    children: [
      { name: 's:Header', children: header },
      { name: 's:Body', children: [{ name: `${operation}Response`, attrs: [['xmlns', NS.tempuri]], children: inner }] },
    ],
  };
  return serialize(env, !!options.indent);
}

/**
 * The SOAP 1.1 envelope of a fault answer: wsa:Action soap/fault, wsa:RelatesTo the request's MessageID, and
 * `fault`, an s:Fault element built by @ocauth/diagnostics `buildSoapFault` (the one SOAP Fault builder).
 */
export function buildAuthBrokerFaultEnvelope(fault: string, relatesTo: string | undefined, options: BuildOptions = {}): string {
  const header: XNode[] = [{ name: 'a:Action', attrs: [['s:mustUnderstand', '1']], text: 'http://www.w3.org/2005/08/addressing/soap/fault' }];
  if (relatesTo !== undefined) header.push({ name: 'a:RelatesTo', text: relatesTo });
  return serialize(
    {
      name: 's:Envelope',
      attrs: [
        ['xmlns:s', NS.soap11],
        ['xmlns:a', NS.wsa10],
      ],
      children: [
        { name: 's:Header', children: header },
        { name: 's:Body', children: [{ name: '', raw: fault }] },
      ],
    },
    !!options.indent,
  );
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

interface EnvelopeParts {
  document: Document;
  header: Element | undefined;
  payload: Element;
  action: string | undefined;
}

function envelopeParts(input: string | Uint8Array | Document): EnvelopeParts {
  const document = typeof input === 'string' || input instanceof Uint8Array ? parseXml(input) : input;
  const env = document.documentElement!;
  if (!isElement(env, NS.soap11, 'Envelope')) {
    throw new AuthBrokerError('ERR_AUTHBROKER_MESSAGE', `root: expected {${NS.soap11}}Envelope (SOAP 1.1), received ${qname(env)}`);
  }
  const kids = childElements(env);
  let header: Element | undefined;
  let body: Element | undefined;
  for (const k of kids) {
    if (isElement(k, NS.soap11, 'Header') && !header && !body) header = k;
    else if (isElement(k, NS.soap11, 'Body') && !body) body = k;
    else throw new AuthBrokerError('ERR_AUTHBROKER_MESSAGE', `Envelope: expected Header? then Body, received an unexpected ${qname(k)}`);
  }
  if (!body) throw new AuthBrokerError('ERR_AUTHBROKER_MESSAGE', 'Envelope: expected a Body, received none');
  const payloads = childElements(body);
  if (payloads.length !== 1) throw new AuthBrokerError('ERR_AUTHBROKER_MESSAGE', `Body: expected exactly one element, received ${payloads.length}`);
  const actions = header ? childElements(header).filter((e) => isElement(e, NS.wsa10, 'Action')) : [];
  if (actions.length > 1) throw new AuthBrokerError('ERR_AUTHBROKER_MESSAGE', `Header: expected one wsa:Action, received ${actions.length}`);
  return { document, header, payload: payloads[0]!, action: actions[0] ? textOf(actions[0]).trim() : undefined };
}

function headerText(header: Element | undefined, local: string): string | undefined {
  if (!header) return undefined;
  const found = childElements(header).filter((e) => isElement(e, NS.wsa10, local));
  if (found.length > 1) throw new AuthBrokerError('ERR_AUTHBROKER_MESSAGE', `Header: expected at most one wsa:${local}, received ${found.length}`);
  return found[0] ? textOf(found[0]).trim() : undefined;
}

function parseScalar(where: string, kind: Kind, e: Element): unknown {
  if (isNil(e)) {
    if (kind === 'int' || kind === 'long' || kind === 'uint')
      throw new AuthBrokerError('ERR_AUTHBROKER_MESSAGE', `${where}: expected an integer (not nillable), received xsi:nil`);
    return null;
  }
  if (kind === 'strings') {
    const items = childElements(e);
    return items.map((it) => {
      if (!isElement(it, NS.arrays, 'string'))
        throw new AuthBrokerError('ERR_AUTHBROKER_MESSAGE', `${where}: expected {${NS.arrays}}string items, received ${qname(it)}`);
      return isNil(it) ? '' : textOf(it);
    });
  }
  return scalarFromText(where, kind, textOf(e));
}

/** An xs:string / xs:int / xs:long / xs:unsignedInt from an element's text (its surrounding blanks allowed for integers). */
function scalarFromText(where: string, kind: Exclude<Kind, 'strings'>, t: string): unknown {
  if (kind === 'string') return t;
  const s = t.trim();
  const re = kind === 'uint' ? /^\+?\d{1,10}$/ : /^[+-]?\d{1,19}$/;
  const n = Number(s);
  const ok = re.test(s) && (kind === 'int' ? n >= -0x80000000 && n <= 0x7fffffff : kind === 'uint' ? n >= 0 && n <= 0xffffffff : Number.isSafeInteger(n));
  if (!ok)
    throw new AuthBrokerError('ERR_AUTHBROKER_MESSAGE', `${where}: expected xs:${kind === 'uint' ? 'unsignedInt' : kind}, received ${describeReceived(t)}`);
  return n;
}

function parseFields(where: string, parent: Element, fields: Field[], ns: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let pos = 0;
  for (const e of childElements(parent)) {
    const idx = fields.findIndex((f) => f.element === e.localName && e.namespaceURI === ns);
    if (idx < 0)
      throw new AuthBrokerError(
        'ERR_AUTHBROKER_MESSAGE',
        `${where}: expected ${fields.map((f) => f.element).join(', ') || 'no children'}, received unexpected element ${qname(e)}`,
      );
    if (idx < pos)
      throw new AuthBrokerError(
        'ERR_AUTHBROKER_MESSAGE',
        `${where}: element ${e.localName} is repeated or out of the schema's order (${fields.map((f) => f.element).join(', ')})`,
      );
    pos = idx + 1;
    const f = fields[idx]!;
    out[f.prop] = parseScalar(`${where}/${f.element}`, f.kind, e);
  }
  return out;
}

export interface ParsedAuthBrokerRequest<O extends AuthBrokerOperation = AuthBrokerOperation> {
  operation: O;
  body: AuthBrokerRequestBodies[O];
  messageId: string | undefined;
  to: string | undefined;
  /** wsse:Security header (carrying the web ticket), if any. */
  security: Element | undefined;
  document: Document;
}

/**
 * Parse a request envelope; the wsa:Action must name one of the seven operations and match the body.
 * @throws {AuthBrokerError} ERR_AUTHBROKER_XML (not well-formed, DOCTYPE, limits; the XmlParseError is the `cause`),
 *   ERR_AUTHBROKER_ACTION (no or an unknown wsa:Action), ERR_AUTHBROKER_MESSAGE (envelope or body not as the schema says).
 */
export function parseAuthBrokerRequest(input: string | Uint8Array | Document): ParsedAuthBrokerRequest {
  const { document, header, payload, action } = envelopeParts(input);
  if (action === undefined) throw new AuthBrokerError('ERR_AUTHBROKER_ACTION', 'Header/Action: expected a WS-Addressing (2005/08) Action, received none');
  const op = operationOfAction(action);
  if (op?.direction !== 'request')
    throw new AuthBrokerError(
      'ERR_AUTHBROKER_ACTION',
      `Header/Action: expected one of http://tempuri.org/IAuthBroker/{CreateAuthBrokerSession,…V2}, received ${describeReceived(action)}`,
    );
  if (!isElement(payload, NS.tempuri, op.operation)) {
    throw new AuthBrokerError('ERR_AUTHBROKER_MESSAGE', `Body: expected {${NS.tempuri}}${op.operation} for Action ${action}, received ${qname(payload)}`);
  }
  const body = parseFields(op.operation, payload, REQUEST_FIELDS[op.operation], NS.tempuri);
  const securities = header ? childElements(header).filter((e) => isElement(e, NS.wsse, 'Security')) : [];
  if (securities.length > 1) throw new AuthBrokerError('ERR_AUTHBROKER_MESSAGE', `Header: expected at most one wsse:Security, received ${securities.length}`);
  return {
    operation: op.operation,
    body: body as never,
    messageId: headerText(header, 'MessageID'),
    to: headerText(header, 'To'),
    security: securities[0],
    document,
  };
}

export interface ParsedAuthBrokerResponse<O extends AuthBrokerOperation = AuthBrokerOperation> {
  operation: O;
  body: AuthBrokerResponseBodies[O];
  relatesTo: string | undefined;
}

/** What an AuthBrokerSoapFault carries: the fault, and (from AuthBrokerClient) the HTTP answer around it. */
export interface AuthBrokerSoapFaultInit {
  faultCode: string;
  faultString: string;
  detail?: Element | undefined;
  /** HTTP status of the answer. */
  httpStatus?: number | undefined;
  /** The X-Ms-diagnostics header as received. */
  diagnostics?: string | undefined;
  /** From X-Ms-diagnostics (parsed by @ocauth/diagnostics): the ErrorId (28032 invalid / 28033 expired web ticket …) and reason. */
  errorId?: number | undefined;
  reason?: string | undefined;
  /** @ocauth/diagnostics' explanation of the ErrorId (cause, remedy) for an administrator. */
  finding?: Finding | undefined;
  /** X-MS-WebTicketURL: where to get a web ticket. */
  webTicketUrl?: string | undefined;
  /** X-OCAuth-Error: the server's error code. */
  errorCode?: string | undefined;
}

/**
 * A SOAP fault received instead of a response (code ERR_AUTHBROKER_SOAP_FAULT); immutable.
 * @throws never
 */
export class AuthBrokerSoapFault extends AuthBrokerError {
  readonly faultCode: string;
  readonly faultString: string;
  readonly detail: Element | undefined;
  readonly httpStatus: number | undefined;
  readonly diagnostics: string | undefined;
  readonly errorId: number | undefined;
  readonly reason: string | undefined;
  readonly finding: Finding | undefined;
  readonly webTicketUrl: string | undefined;
  readonly errorCode: string | undefined;
  /** @throws never */
  constructor(init: AuthBrokerSoapFaultInit, options: { cause?: unknown } = {}) {
    super('ERR_AUTHBROKER_SOAP_FAULT', `SOAP fault ${init.faultCode}: ${init.faultString}`, options);
    this.name = 'AuthBrokerSoapFault';
    this.faultCode = init.faultCode;
    this.faultString = init.faultString;
    this.detail = init.detail;
    this.httpStatus = init.httpStatus;
    this.diagnostics = init.diagnostics;
    this.errorId = init.errorId;
    this.reason = init.reason;
    this.finding = init.finding;
    this.webTicketUrl = init.webTicketUrl;
    this.errorCode = init.errorCode;
  }
}

// ---------------------------------------------------------------------------------------------
// The compact response, read without a DOM
// ---------------------------------------------------------------------------------------------

/**
 * Characters a value of the fast path may hold: base64, digits and sign, URIs and uuids. No markup,
 * entity, blank or control character, so the text is its value exactly as the DOM path would read it
 * (no entity to expand, no line end to normalize, nothing to trim) and every character is an XML Char.
 */
const PLAIN = /^[A-Za-z0-9+/=:._-]*$/;
const RESPONSE_HEAD = `<s:Envelope xmlns:s="${NS.soap11}" xmlns:a="${NS.wsa10}"><s:Header><a:Action s:mustUnderstand="1">`;
const RESPONSE_TAIL = '</s:Body></s:Envelope>';

/**
 * A response in exactly the compact layout this broker writes (responseText), read with string matching:
 * the envelope, header and body element names, namespace declarations and attribute values are fixed
 * strings, and every value is PLAIN. Anything else — another layout, a fault, a value the DOM path would
 * refuse or read differently, an unexpected operation — returns undefined and the caller parses the DOM,
 * which gives the answer or the error. Accepts only documents @ocauth/c14n parseXml accepts, with the
 * same result (test/messages-text.test.ts holds it to the DOM path over generated and mutated documents).
 */
export function compactResponse(xml: string, expected: AuthBrokerOperation | undefined): ParsedAuthBrokerResponse | undefined {
  if (xml.length > DEFAULT_MAX_XML_BYTES || !xml.startsWith(RESPONSE_HEAD) || !xml.endsWith(RESPONSE_TAIL)) return undefined;
  let at = RESPONSE_HEAD.length;
  const actionEnd = xml.indexOf('</a:Action>', at);
  if (actionEnd < 0) return undefined;
  const op = operationOfAction(xml.slice(at, actionEnd));
  if (op?.direction !== 'response' || (expected !== undefined && op.operation !== expected)) return undefined;
  const operation = op.operation;
  at = actionEnd + '</a:Action>'.length;
  let relatesTo: string | undefined;
  if (xml.startsWith('<a:RelatesTo/>', at)) {
    relatesTo = '';
    at += '<a:RelatesTo/>'.length;
  } else if (xml.startsWith('<a:RelatesTo>', at)) {
    const end = xml.indexOf('</a:RelatesTo>', at);
    if (end < 0) return undefined;
    relatesTo = xml.slice(at + '<a:RelatesTo>'.length, end);
    if (!PLAIN.test(relatesTo)) return undefined;
    at = end + '</a:RelatesTo>'.length;
  }
  if (!xml.startsWith('</s:Header><s:Body>', at)) return undefined;
  at += '</s:Header><s:Body>'.length;
  const end = xml.length - RESPONSE_TAIL.length;
  const wrapper = `${operation}Response`;
  const layout = RESPONSE_LAYOUT[operation];
  const open = `<${wrapper} xmlns="${NS.tempuri}"`;
  if (!xml.startsWith(open, at)) return undefined;
  at += open.length;
  let body: Record<string, unknown> | undefined;
  if (xml.startsWith('/>', at)) {
    // No result element (or no field): every field absent, as the DOM path reads it.
    if (at + 2 !== end) return undefined;
    body = {};
  } else {
    const close = `</${wrapper}>`;
    if (xml[at] !== '>' || !xml.endsWith(close, end)) return undefined;
    const inner = xml.slice(at + 1, end - close.length);
    if (layout.result) {
      const resultOpen = `<${layout.result} xmlns:b="${NS.datacontract}" xmlns:i="${NS.xsi}"`;
      if (!inner.startsWith(resultOpen)) return undefined;
      const rest = inner.slice(resultOpen.length);
      if (rest === '/>') body = {};
      else {
        const resultClose = `</${layout.result}>`;
        if (rest[0] !== '>' || !rest.endsWith(resultClose)) return undefined;
        body = compactFields(rest.slice(1, rest.length - resultClose.length), layout.fields, 'b:', '');
      }
    } else body = compactFields(inner, layout.fields, '', ` xmlns:i="${NS.xsi}"`);
  }
  if (!body) return undefined;
  return { operation, body: body as never, relatesTo };
}

/** The children of a response element: each `<p:Name>PLAIN</p:Name>`, `<p:Name/>` or (a string) `<p:Name i:nil="true"…/>`, in schema order. */
function compactFields(xml: string, fields: Field[], prefix: string, nilDeclaration: string): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  let at = 0;
  let pos = 0;
  while (at < xml.length) {
    if (xml[at] !== '<') return undefined;
    const nameEnd = at + 1 + prefix.length;
    if (!xml.startsWith(prefix, at + 1)) return undefined;
    let idx = -1;
    for (let i = pos; i < fields.length; i++) {
      const f = fields[i]!;
      if (xml.startsWith(f.element, nameEnd) && /[ />]/.test(xml[nameEnd + f.element.length] ?? '')) {
        idx = i;
        break;
      }
    }
    if (idx < 0) return undefined;
    const f = fields[idx]!;
    if (f.kind === 'strings') return undefined;
    pos = idx + 1;
    const name = `${prefix}${f.element}`;
    let at2 = nameEnd + f.element.length;
    const nil = ` i:nil="true"${nilDeclaration}/>`;
    let value: unknown;
    if (xml.startsWith('/>', at2)) {
      value = '';
      at2 += 2;
    } else if (xml.startsWith(nil, at2)) {
      if (f.kind !== 'string') return undefined;
      value = null;
      at2 += nil.length;
    } else if (xml[at2] === '>') {
      const close = `</${name}>`;
      const valueEnd = xml.indexOf(close, at2 + 1);
      if (valueEnd < 0) return undefined;
      value = xml.slice(at2 + 1, valueEnd);
      at2 = valueEnd + close.length;
    } else return undefined;
    if (typeof value === 'string') {
      if (!PLAIN.test(value)) return undefined;
      try {
        value = scalarFromText(name, f.kind, value);
      } catch {
        return undefined;
      }
    }
    out[f.prop] = value;
    at = at2;
  }
  return out;
}

/**
 * Parse a response envelope.
 * @throws {AuthBrokerSoapFault} ERR_AUTHBROKER_SOAP_FAULT when the envelope carries a SOAP fault.
 * @throws {AuthBrokerError} ERR_AUTHBROKER_XML (not well-formed; the XmlParseError is the `cause`), ERR_AUTHBROKER_ACTION
 *   (not the `expected` operation's response action), ERR_AUTHBROKER_MESSAGE (envelope or body not as the schema says).
 */
export function parseAuthBrokerResponse<O extends AuthBrokerOperation>(input: string | Uint8Array | Document, expected?: O): ParsedAuthBrokerResponse<O> {
  if (typeof input === 'string') {
    const fast = compactResponse(input, expected);
    if (fast) return fast as ParsedAuthBrokerResponse<O>;
  }
  const { header, payload, action } = envelopeParts(input);
  if (payload.namespaceURI === NS.soap11 && payload.localName === 'Fault') {
    const kids = childElements(payload);
    const code = kids.find((k) => k.localName === 'faultcode');
    const str = kids.find((k) => k.localName === 'faultstring');
    throw new AuthBrokerSoapFault({
      faultCode: code ? textOf(code).trim() : '',
      faultString: str ? textOf(str) : '',
      detail: kids.find((k) => k.localName === 'detail'),
    });
  }
  const op = action ? operationOfAction(action) : undefined;
  const byBody =
    payload.namespaceURI === NS.tempuri && (payload.localName ?? '').endsWith('Response')
      ? ((payload.localName ?? '').slice(0, -'Response'.length) as AuthBrokerOperation)
      : undefined;
  const operation = op?.operation ?? byBody;
  if (!operation || !(operation in RESPONSE_LAYOUT) || (op && op.direction !== 'response')) {
    throw new AuthBrokerError('ERR_AUTHBROKER_ACTION', `Header/Action: expected an IAuthBroker response action, received ${describeReceived(action)}`);
  }
  if (expected && operation !== expected)
    throw new AuthBrokerError('ERR_AUTHBROKER_ACTION', `Header/Action: expected ${actionOf(expected, 'response')}, received ${describeReceived(action)}`);
  if (!isElement(payload, NS.tempuri, `${operation}Response`)) {
    throw new AuthBrokerError('ERR_AUTHBROKER_MESSAGE', `Body: expected {${NS.tempuri}}${operation}Response, received ${qname(payload)}`);
  }
  const layout = RESPONSE_LAYOUT[operation];
  let body: Record<string, unknown> = {};
  if (layout.result) {
    const kids = childElements(payload);
    const extra = kids.find((k) => !isElement(k, NS.tempuri, layout.result!));
    if (extra)
      throw new AuthBrokerError('ERR_AUTHBROKER_MESSAGE', `${operation}Response: expected ${layout.result}, received unexpected element ${qname(extra)}`);
    if (kids.length > 1) throw new AuthBrokerError('ERR_AUTHBROKER_MESSAGE', `${operation}Response: expected one ${layout.result}, received ${kids.length}`);
    const result = kids[0];
    // An absent or xsi:nil result leaves every field undefined; callers decide what that means.
    if (result && !isNil(result)) body = parseFields(layout.result, result, layout.fields, NS.datacontract);
  } else {
    body = parseFields(`${operation}Response`, payload, layout.fields, NS.tempuri);
  }
  return { operation: operation as O, body: body as never, relatesTo: headerText(header, 'RelatesTo') };
}
