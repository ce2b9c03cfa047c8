// The error model: one base class, closed codes, `field` and `cause` where they apply, immutable details.
import { readFileSync } from 'node:fs';
import { XmlParseError } from '@ocauth/c14n';
import { describe, expect, it } from 'vitest';
import {
  createTicketVerifier,
  InvalidRequestError,
  parseEnvelope,
  SoapFormatError,
  SoapRequestError,
  TicketError,
  WebTicketServiceError,
  WsTrustError,
} from './internals.js';

const issuerCert = readFileSync(new URL('./fixtures/issuer-cert.pem', import.meta.url), 'utf8');

describe('wstrust error model', () => {
  it('every class is a WsTrustError with its code, name and (where it applies) field', () => {
    const r = new InvalidRequestError('wst:KeySize', '256', '128');
    expect(r).toBeInstanceOf(WsTrustError);
    expect([r.name, r.code, r.field, r.faultcode, r.message]).toEqual([
      'InvalidRequestError',
      'ERR_WSTRUST_INVALID_REQUEST',
      'wst:KeySize',
      'wst:InvalidRequest',
      'wst:KeySize: expected 256, received 128',
    ]);
    const s = new SoapRequestError('ERR_SOAP_TOO_LARGE', 'too large');
    expect(s).toBeInstanceOf(WsTrustError);
    expect([s.name, s.code, s.status]).toEqual(['SoapRequestError', 'ERR_SOAP_TOO_LARGE', 413]);
    const base = new WsTrustError('ERR_WSTRUST_CWT_KEY', 'm', { field: 'poolKeys', cause: 'x' });
    expect([base.field, base.cause]).toEqual(['poolKeys', 'x']);
  });

  it('a parse failure keeps the XmlParseError as cause (envelope and verifier)', async () => {
    const e = (() => {
      try {
        parseEnvelope('<s:Envelope');
        return undefined;
      } catch (x) {
        return x;
      }
    })();
    expect(e).toBeInstanceOf(SoapFormatError);
    expect((e as Error).cause).toBeInstanceOf(XmlParseError);
    const v = createTicketVerifier({ issuerCertificates: [issuerCert] });
    const t = await v.verify('<!DOCTYPE x []><x/>').then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(t).toBeInstanceOf(TicketError);
    expect((t as Error).cause).toBeInstanceOf(XmlParseError);
    expect(((t as Error).cause as XmlParseError).code).toBe('ERR_XML_DOCTYPE');
  });

  it('fault details are frozen', () => {
    const finding = { errorId: 28020, title: 't' } as never;
    const w = new WebTicketServiceError('refused', { status: 500, errorId: 28020, finding });
    expect(Object.isFrozen(w.finding)).toBe(true);
    expect(() => {
      (w.finding as unknown as { title: string }).title = 'changed';
    }).toThrow(TypeError);
    const t = new TicketError('ERR_WSTRUST_TICKET_EXPIRED', 'expired');
    expect(t.errorId).toBe(28033);
    expect(Object.isFrozen(t.finding)).toBe(true);
  });
});
