// Property tests (bounded; seed printed by fast-check on failure). One invariant per fc.assert:
//  - build → parse of GetAndPublishCert requests is the identity on (DeviceId, Entity, RequestID, CSR);
//  - the response parser never fails with anything but a typed ERR_CERTPROV_* error on mutated input;
//  - parseCsr on mutated DER either throws a typed CsrError or reports signatureValid=false (never a
//    valid signature over changed bytes, never a crash).
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildGetAndPublishCertRequest,
  CsrError,
  generateCsr,
  parseCsr,
  parseGetAndPublishCertRequest,
  parseGetAndPublishCertResponse,
} from '@ocauth/certprov';

const RUNS = Number(process.env.CERTPROV_FC_RUNS ?? 60);
const SEED = process.env.CERTPROV_FC_SEED === 'random' ? undefined : Number(process.env.CERTPROV_FC_SEED ?? 20261123);
const params = { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) };
const key = generateKeyPairSync('rsa', { modulusLength: 1024 });
const csr = generateCsr({ sipUri: 'alice@contoso.com', keyPair: key, validity: { period: 'Months', units: 6 } }).der;
const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9A-Fa-f]{${n}}$`));
const guid = fc.tuple(hex(8), hex(4), hex(4), hex(4), hex(12)).map((p) => `{${p.join('-')}}`);
// XML 1.0 characters incl. markup-significant ones; no leading/trailing whitespace (RequestID is trimmed).
const xmlText = fc
  .string({ unit: fc.constantFrom('a', 'Z', '0', '&', '<', '>', '"', "'", '-', '.', 'é', '☃', '😀', ' '), minLength: 1, maxLength: 24 })
  .map((s) => s.trim())
  .filter((s) => s.length > 0);
const localPart = fc.string({ unit: fc.constantFrom('a', 'b', 'z', '0', '.', '_', '+', '&', "'"), minLength: 1, maxLength: 12 });
const entity = fc.tuple(localPart, fc.constantFrom('contoso.com', 'ocsdev.nttest.microsoft.com', 'xn--bcher-kva.example')).map(([l, d]) => `${l}@${d}`);

describe('properties', () => {
  it('request build → parse is the identity', () => {
    fc.assert(
      fc.property(guid, entity, xmlText, (deviceId, ent, requestId) => {
        const xml = buildGetAndPublishCertRequest({ deviceId, entity: ent, csr, requestId });
        const r = parseGetAndPublishCertRequest(`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${xml}</s:Body></s:Envelope>`);
        expect([r.deviceId, r.entity, r.requestId]).toEqual([deviceId, ent, requestId]);
        expect(Buffer.from(r.csrDer).equals(Buffer.from(csr))).toBe(true);
      }),
      params,
    );
  });

  const response = readFileSync(new URL('../../../vectors/spec/4.1-get-and-publish-cert-response.xml', import.meta.url), 'utf8');
  it('the response parser fails only with typed ERR_CERTPROV_* errors on mutated responses', () => {
    const mutation = fc.record({
      at: fc.nat({ max: response.length - 1 }),
      cut: fc.nat({ max: 40 }),
      insert: fc.constantFrom('', '<', '>', '&', '"', '</x>', '<!DOCTYPE a>', 'A', '=', '\u0000', '<x:y/>'),
    });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms) => {
        let xml = response;
        for (const m of ms) xml = xml.slice(0, m.at) + m.insert + xml.slice(m.at + m.cut);
        try {
          parseGetAndPublishCertResponse(xml);
        } catch (e) {
          expect(e, String(e)).toBeInstanceOf(Error);
          expect((e as { code?: string }).code, String(e)).toMatch(/^ERR_CERTPROV_/);
        }
      }),
      params,
    );
  });

  it('parseCsr on mutated DER throws CsrError or reports an invalid signature, never a valid one over changed bytes', () => {
    fc.assert(
      fc.property(fc.nat({ max: csr.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, xor) => {
        const bad = csr.slice();
        bad[at]! ^= xor;
        try {
          const p = parseCsr(bad);
          expect(p.signatureValid, `byte ${at} ^ ${xor}`).toBe(false);
        } catch (e) {
          expect(e, `byte ${at} ^ ${xor}: ${String(e)}`).toBeInstanceOf(CsrError);
        }
      }),
      params,
    );
  });
});
