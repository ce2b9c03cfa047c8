// The compact message layout as written before the text builders (a tree of XNode + serialize()), kept
// verbatim as the oracle the text builders of src/internal/messages.ts are held to byte for byte.
import { NS } from '@ocauth/diagnostics';
import { actionOf, type AuthBrokerOperation } from '../../src/internal/actions.js';
import type { AuthBrokerRequestHeaders, BuildOptions } from '../../src/internal/messages.js';
import { serialize, type XNode } from '../../src/internal/xml.js';

export type Kind = 'string' | 'strings' | 'int' | 'long' | 'uint';
export interface Field {
  prop: string;
  element: string;
  kind: Kind;
  ns?: string;
}

export const REQUEST_FIELDS: Record<AuthBrokerOperation, Field[]> = {
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
export const RESPONSE_LAYOUT: Record<AuthBrokerOperation, { result?: string; fields: Field[] }> = {
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

export function treeRequest(operation: AuthBrokerOperation, body: object, headers: AuthBrokerRequestHeaders, options: BuildOptions = {}): string {
  const b = body as unknown as Record<string, unknown>;
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

export function treeResponse(operation: AuthBrokerOperation, body: object, headers: { relatesTo?: string }, options: BuildOptions = {}): string {
  const layout = RESPONSE_LAYOUT[operation];
  const b = body as unknown as Record<string, unknown>;
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
