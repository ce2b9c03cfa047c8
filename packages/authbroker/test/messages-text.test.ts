// The compact messages are written straight as text (src/internal/messages.ts requestText/responseText):
// held byte for byte to the tree + serialize() builder they replaced (test/support/tree-builders.ts),
// over generated operations, bodies and headers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AUTH_BROKER_OPERATIONS, buildAuthBrokerRequest, buildAuthBrokerResponse, type AuthBrokerOperation } from '@ocauth/authbroker';
import { type Field, type Kind, REQUEST_FIELDS, RESPONSE_LAYOUT, treeRequest, treeResponse } from './support/tree-builders.js';

// Text with everything the escaping and the layout rules care about: markup characters, quotes, CR/LF/TAB,
// non-ASCII and astral characters, blanks, and the empty string (self-closing elements).
const special = fc.constantFrom('&', '<', '>', '"', "'", '\r', '\n', '\t', ' ', ']]>', '&amp;', 'é', '😀', '\u2028');
const text = fc.oneof(
  fc.constant(''),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.array(fc.oneof(special, fc.string({ maxLength: 4 })), { maxLength: 8 }).map((a) => a.join('')),
);

const valueOf = (kind: Kind): fc.Arbitrary<unknown> => {
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
  fc.tuple(...fields.map((f) => fc.oneof(fc.constant(undefined), fc.constant(null), valueOf(f.kind)))).map((values) => {
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
