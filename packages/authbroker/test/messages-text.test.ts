// The compact messages are written straight as text (src/internal/messages.ts requestText/responseText):
// held byte for byte to the tree + serialize() builder they replaced (test/support/tree-builders.ts),
// over generated operations, bodies and headers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AUTH_BROKER_OPERATIONS, buildAuthBrokerRequest, buildAuthBrokerResponse, parseAuthBrokerResponse, type AuthBrokerOperation } from '@ocauth/authbroker';
import { compactResponse } from '../src/internal/messages.js';
import { parseXml } from '../src/internal/xml.js';
import { type Field, type Kind, REQUEST_FIELDS, RESPONSE_LAYOUT, treeRequest, treeResponse } from './support/tree-builders.js';

// Text with everything the escaping and the layout rules care about: markup characters, quotes, CR/LF/TAB,
// non-ASCII and astral characters, blanks, and the empty string (self-closing elements).
const special = fc.constantFrom('&', '<', '>', '"', "'", '\r', '\n', '\t', ' ', ']]>', '&amp;', 'é', '😀', '\u2028');
const text = fc.oneof(
  fc.constant(''),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.array(fc.oneof(special, fc.string({ maxLength: 4 })), { maxLength: 8 }).map((a) => a.join('')),
);

const kindValue = (kind: Kind): fc.Arbitrary<unknown> => {
  switch (kind) {
    case 'string':
      return text;
    case 'strings':
      return fc.array(text, { maxLength: 4 });
    case 'int':
      return fc.integer({ min: -0x80000000, max: 0x7fffffff });
    case 'uint':
      return fc.integer({ min: 0, max: 0xffffffff });
    case 'long':
      return fc.maxSafeInteger().chain((n) => fc.constantFrom(n, -n, 0));
  }
};

const bodyOf = (fields: Field[]): fc.Arbitrary<Record<string, unknown>> =>
  fc.tuple(...fields.map((f) => fc.oneof(fc.constant(undefined), fc.constant(null), kindValue(f.kind)))).map((values) => {
    const body: Record<string, unknown> = {};
    fields.forEach((f, i) => {
      if (values[i] !== undefined) body[f.prop] = values[i];
    });
    return body;
  });

const operation = fc.constantFrom(...AUTH_BROKER_OPERATIONS);

describe('compact messages written as text = the tree + serialize() layout, byte for byte', () => {
  it('requests: every operation, generated bodies, MessageID, To, Timestamp and web ticket present or not', () => {
    fc.assert(
      fc.property(
        operation.chain((op) =>
          fc.tuple(
            fc.constant(op),
            bodyOf(REQUEST_FIELDS[op]),
            fc.record(
              {
                messageId: text,
                to: text,
                timestamp: fc.record({ created: text, expires: text }),
                webTicket: fc.oneof(text, fc.constant('  <saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:1.0:assertion"/>\n'), fc.constant(' \n ')),
              },
              { requiredKeys: ['messageId'] },
            ),
          ),
        ),
        ([op, body, headers]) => {
          expect(buildAuthBrokerRequest(op as AuthBrokerOperation, body as never, headers)).toBe(treeRequest(op, body, headers));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('responses: every operation, generated bodies (nil, empty, integers at their bounds), RelatesTo present or not', () => {
    fc.assert(
      fc.property(
        operation.chain((op) => fc.tuple(fc.constant(op), bodyOf(RESPONSE_LAYOUT[op].fields), fc.record({ relatesTo: text }, { requiredKeys: [] }))),
        ([op, body, headers]) => {
          expect(buildAuthBrokerResponse(op as AuthBrokerOperation, body as never, headers)).toBe(treeResponse(op, body, headers));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('the indented layout (spec examples) is still the tree layout', () => {
    const headers = { messageId: 'urn:uuid:1', to: 'https://x/AuthBroker', timestamp: { created: 'a', expires: 'b' }, webTicket: '<t/>' };
    for (const op of AUTH_BROKER_OPERATIONS) {
      const body = Object.fromEntries(REQUEST_FIELDS[op].map((f) => [f.prop, f.kind === 'strings' ? ['SHA1', 'SHA256'] : 'v']));
      expect(buildAuthBrokerRequest(op, body as never, headers, { indent: true })).toBe(treeRequest(op, body, headers, { indent: true }));
    }
  });
});

// The compact response read without a DOM (compactResponse) is a shortcut of the DOM path: whenever it
// answers, the DOM path (parseXml + the element walk) gives the same operation, body and RelatesTo;
// anything else falls through to the DOM path.
describe('compact responses read without a DOM = the DOM path', () => {
  const plain = fc.stringMatching(/^[A-Za-z0-9+/=:._-]{0,40}$/);
  const domPath = (xml: string, expected?: AuthBrokerOperation) => parseAuthBrokerResponse(parseXml(xml), expected);
  const outcome = (f: () => unknown) => {
    try {
      return { ok: f() };
    } catch (e) {
      return { error: `${(e as { code?: string }).code}: ${(e as Error).message}` };
    }
  };

  it('every operation, generated bodies: the same result (or the same error) as the DOM path, and the shortcut taken for plain values', () => {
    fc.assert(
      fc.property(
        operation.chain((op) =>
          fc.tuple(
            fc.constant(op),
            fc.oneof(bodyOf(RESPONSE_LAYOUT[op].fields), plainBodyOf(RESPONSE_LAYOUT[op].fields, plain)),
            fc.record({ relatesTo: fc.oneof(plain, text) }, { requiredKeys: [] }),
            fc.option(operation, { nil: undefined }),
          ),
        ),
        ([op, body, headers, expected]) => {
          const xml = buildAuthBrokerResponse(op as AuthBrokerOperation, body as never, headers);
          expect(outcome(() => parseAuthBrokerResponse(xml, expected))).toEqual(outcome(() => domPath(xml, expected)));
          const allPlain = [...Object.values(body), headers.relatesTo].every((v) => v === undefined || v === null || /^[A-Za-z0-9+/=:._-]*$/.test(String(v)));
          const fast = compactResponse(xml, expected);
          const dom = outcome(() => domPath(xml, expected));
          if (fast) expect(dom).toEqual({ ok: fast });
          // A response the DOM path reads whose values are all plain (integers are) takes the shortcut.
          else if (allPlain && 'ok' in dom) expect.fail(`the shortcut declined a plain response: ${xml}`);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('the three legs of a V2 handshake as the broker writes them take the shortcut', () => {
    const op = 'AuthBrokerNegotiateSecurityAssociationV2' as const;
    const legs = [
      {
        outString: 'FgMDAHoCAAB2AwP/'.repeat(40),
        securityStatus: 0x90312,
        maxSignature: 0,
        hashAlgorithm: 0x800c,
        clientSigningKey: null,
        serverSigningKey: null,
      },
      {
        outString: 'FAMDAAEBFgMDACg=',
        securityStatus: 0,
        maxSignature: 32,
        hashAlgorithm: 0x800c,
        clientSigningKey: 'q'.repeat(43) + '=',
        serverSigningKey: 'r'.repeat(43) + '=',
      },
      { outString: null, securityStatus: -2146893048, maxSignature: 0, hashAlgorithm: 0, clientSigningKey: null, serverSigningKey: null },
    ];
    for (const body of legs) {
      const xml = buildAuthBrokerResponse(op, body, { relatesTo: 'urn:uuid:6c1b4b4e-7f0a-4a55-9d2e-0c5a9f3c2d11' });
      const fast = compactResponse(xml, op);
      expect(fast).toBeDefined();
      expect(fast).toEqual(domPath(xml, op));
      expect(fast!.body).toEqual(body);
    }
  });

  it('mutated responses: whenever the shortcut answers, the DOM path accepts the document and reads the same', () => {
    const op = 'AuthBrokerNegotiateSecurityAssociationV2' as const;
    const seeds = [
      buildAuthBrokerResponse(
        op,
        { outString: 'FgMD+/=', securityStatus: 590610, maxSignature: 0, hashAlgorithm: 32780, clientSigningKey: null, serverSigningKey: null },
        { relatesTo: 'urn:uuid:1' },
      ),
      buildAuthBrokerResponse('CreateAuthBrokerSessionV2', { sessionId: 'abc-1' }, { relatesTo: 'urn:uuid:2' }),
      buildAuthBrokerResponse('CreateAuthBrokerSessionV2', { sessionId: null }, {}),
      buildAuthBrokerResponse('AuthBrokerAcquireCredentialV2', { result: 28800 }, { relatesTo: '' }),
      buildAuthBrokerResponse('TerminateAuthBrokerSession', {}, { relatesTo: 'urn:uuid:3' }),
      buildAuthBrokerResponse('AuthBrokerAcquireCredentialV2', {}, {}),
    ];
    const token = fc.constantFrom(
      '<',
      '>',
      '/',
      '&',
      '&amp;',
      '&#x41;',
      '"',
      "'",
      ' ',
      '\r',
      '\n',
      '\t',
      '\u0000',
      '\uFFFE',
      '\uD800',
      'é',
      ']]>',
      '<!--x-->',
      '<?pi?>',
      '<![CDATA[x]]>',
      'b:',
      'i:',
      'i:nil="true"',
      ' i:nil="1"',
      'xmlns="urn:x"',
      'xmlns:b="urn:x"',
      '<b:OutString>',
      '</b:OutString>',
      '<b:MaxSignature>',
      '</b:MaxSignature>',
      '<SessionId/>',
      '<x/>',
      '<s:Fault/>',
      '<a:RelatesTo>x</a:RelatesTo>',
      'x',
      '0',
      '-',
      '+',
      '=',
      '9999999999',
    );
    const edit = fc.tuple(fc.nat(), fc.nat({ max: 12 }), fc.oneof({ arbitrary: plain, weight: 3 }, token, fc.constant(''), text), fc.boolean());
    let taken = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(edit, { minLength: 1, maxLength: 3 }),
        fc.option(operation, { nil: undefined }),
        (seed, edits, expected) => {
          let xml = seed;
          for (const [at, cut, insert, inValue] of edits) {
            // Half the edits land inside a value (between an element's start and end tags), the rest anywhere.
            const spans = [...xml.matchAll(/>([^<]*)<\//g)].map((m) => m.index! + 1);
            const i = inValue && spans.length > 0 ? spans[at % spans.length]! : at % (xml.length + 1);
            xml = xml.slice(0, i) + insert + xml.slice(i + (inValue ? 0 : cut));
          }
          const fast = compactResponse(xml, expected);
          if (fast) {
            if (xml !== seed) taken++;
            expect(outcome(() => domPath(xml, expected))).toEqual({ ok: fast });
          }
        },
      ),
      { numRuns: 20000 },
    );
    // The mutations reach the shortcut's own decisions (changed values, names, attributes), not only its first check.
    expect(taken).toBeGreaterThan(40);
  });
});

function plainBodyOf(fields: Field[], plain: fc.Arbitrary<string>): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .tuple(
      ...fields.map((f) =>
        f.kind === 'string' ? fc.oneof(plain, fc.constant(null), fc.constant(undefined)) : fc.oneof(kindValue(f.kind), fc.constant(undefined)),
      ),
    )
    .map((values) => {
      const body: Record<string, unknown> = {};
      fields.forEach((f, i) => {
        if (values[i] !== undefined) body[f.prop] = values[i];
      });
      return body;
    });
}
