import { describe, expect, it } from 'vitest';
import {
  GET_AND_PUBLISH_CERT_RESPONSE_CODES,
  GetAndPublishCertResponseCode,
  SECURITY_STATUSES,
  SecurityStatus,
  WEB_TICKET_ERRORS,
  formatSecurityStatus,
  getAndPublishCertResponseCode,
  isSecurityStatusSuccess,
  securityStatus,
  securityStatusName,
  webTicketError,
} from '@ocauth/diagnostics';
import { specText as readSpecText } from '../../../testing/spec.js';

// The specification text travels with the repository (vectors/spec/MS-OCAUTHWS.txt) so CI checks the catalog against it.
const specText = readSpecText();
const spec = specText.replace(/\s+/g, ' ');

describe('Web Ticket error catalog (MS-OCAUTHWS 3.2, 3.2.4.1)', () => {
  const ids = Object.keys(WEB_TICKET_ERRORS).map(Number);
  it('defines exactly the ErrorIds of the spec tables', () => {
    expect(ids).toEqual([
      28000,
      28001,
      28011,
      28012,
      28013,
      28014,
      28015,
      28017,
      28018,
      28019,
      28020,
      28021,
      28022,
      28023,
      28024,
      28025,
      28026,
      27 + 28000,
      28028,
      28032,
      28033,
      28034,
      28035,
    ]);
  });
  it.each(ids)('%i: faultcode and reason appear in the spec table row', (id) => {
    const e = webTicketError(id)!;
    expect(e.errorId, 'errorId').toBe(id);
    const specReason = e.reason.replace(/certificate/g, 'certificate (2)');
    const row = new RegExp(`${e.faultcode.replace(':', ':')} ${id} `);
    if (id > 28001) expect(spec, `row "${e.faultcode} ${id}"`).toMatch(row);
    expect(spec.includes(specReason) || spec.includes(e.reason), `reason of ${id} in spec: ${e.reason}`).toBe(true);
    expect(e.cause.length, 'cause').toBeGreaterThan(20);
    expect(e.remedy.length, 'remedy').toBeGreaterThan(10);
    expect(e.specSection).toMatch(/^MS-OCAUTHWS 3\.2/);
  });
  it('HTTP status: as the spec states it, read from the spec text (not from another copy of the catalog)', () => {
    // 3.2.4.1 IWA table: rows "<status> <ErrorId> <reason>".
    const rows = [...specText.matchAll(/^(\d{3}) (280\d\d)\b/gm)].map((m) => [Number(m[2]), Number(m[1])] as const);
    expect(rows).toEqual([
      [28000, 403],
      [28001, 500],
    ]);
    for (const [id, status] of rows) expect(webTicketError(id)!.httpStatus, `${id} httpStatus`).toBe(status);
    // 1.3.1: a service refusing a request for want of a valid ticket answers "a response with status code 401".
    expect(spec).toContain('A response with status code 401 and a HTTP header containing the URL of the Web Ticket');
    for (const id of [28032, 28033, 28034]) expect(webTicketError(id)!.httpStatus, `${id} httpStatus`).toBe(401);
  });
  it('IWA errors carry the HTTP status of the spec table; names are unique; lookups by name and string', () => {
    expect(webTicketError(28000)!.httpStatus).toBe(403);
    expect(webTicketError(28001)!.httpStatus).toBe(500);
    expect(new Set(Object.values(WEB_TICKET_ERRORS).map((e) => e.name)).size).toBe(ids.length);
    expect(webTicketError('WebTicketExpired')!.errorId).toBe(28033);
    expect(webTicketError('28033')!.name).toBe('WebTicketExpired');
    expect(webTicketError(28029)).toBeUndefined();
    expect(webTicketError(Number.NaN)).toBeUndefined();
    expect(Object.isFrozen(WEB_TICKET_ERRORS[28032])).toBe(true);
  });
});

describe('GetAndPublishCertResponseCode (3.1.4.1.4.1)', () => {
  it('enumerates the XSD values in order', () => {
    const xsd = [...spec.matchAll(/<xs:enumeration value="(\w+)" \/>/g)].map((m) => m[1]).filter((v) => v !== undefined);
    const start = xsd.indexOf('NoError');
    expect(Object.keys(GET_AND_PUBLISH_CERT_RESPONSE_CODES)).toEqual(xsd.slice(start, start + 12));
    expect(Object.values(GetAndPublishCertResponseCode)).toEqual(xsd.slice(start, start + 12));
  });
  it('lookups by name, case-insensitive name and ordinal', () => {
    expect(getAndPublishCertResponseCode('DataStoreUnavailable')!.remedy).toMatch(/home pool/);
    expect(getAndPublishCertResponseCode('invalidvalidityperiod')!.code).toBe('InvalidValidityPeriod');
    expect(getAndPublishCertResponseCode(0)!.code).toBe('NoError');
    expect(getAndPublishCertResponseCode('Nope')).toBeUndefined();
  });
});

describe('SecurityStatus (3.3.4.4.3.3)', () => {
  it('every row of the spec table (3.3.4.4.3.3) but the three informational ones it shifts has its value', () => {
    const rows = [...specText.matchAll(/^(0x[0-9A-F]{8}) (\w+)\s*$/gm)].map((m) => [m[2]!, Number.parseInt(m[1]!, 16) | 0] as const);
    expect(rows.length).toBe(37); // the table's rows, 0x00090312 OK … 0x80090343 UnsupportedPreauth
    // The documented departure (authbroker security-status.ts): OK, ContinueNeeded and CompleteNeeded follow SSPI.
    const shifted = new Set(['OK', 'ContinueNeeded', 'CompAndContinue', 'ContentExpired']);
    const table = SecurityStatus as unknown as Record<string, number>;
    for (const [name, value] of rows.filter(([n]) => !shifted.has(n))) expect(table[name], name).toBe(value);
    expect(table.ContextExpired).toBe(0x00090317);
    expect(table.CompAndContinue).toBe(0x00090314);
  });
  it('0x00090312 is SEC_I_CONTINUE_NEEDED (ContinueNeeded), the spec table calls it OK', () => {
    const s = securityStatus(0x00090312)!;
    expect(s.name).toBe('ContinueNeeded');
    expect(s.sspiConstant).toBe('SEC_I_CONTINUE_NEEDED');
    expect(s.specName).toBe('OK');
    expect(securityStatus(0)!.name).toBe('OK');
  });
  it('accepts signed, unsigned and hex string forms', () => {
    expect(securityStatusName(0x80090325)).toBe('UntrustedRoot');
    expect(securityStatusName(-2146893019)).toBe('UntrustedRoot');
    expect(securityStatus('0x80090325')!.name).toBe('UntrustedRoot');
    expect(securityStatus('2148074277')!.name).toBe('UntrustedRoot');
    expect(formatSecurityStatus(0x80090325 | 0)).toBe('0x80090325 (UntrustedRoot)');
    expect(isSecurityStatusSuccess(0x00090312)).toBe(true);
    expect(isSecurityStatusSuccess(0x80090308)).toBe(false);
    expect(securityStatus(1.5)).toBeUndefined();
    expect(securityStatus(2 ** 33)).toBeUndefined();
  });
  it('every spec table hex value is in the catalog', () => {
    const sec = spec.slice(spec.indexOf('3.3.4.4.3.3 tns:AuthReturnValuePair'), spec.indexOf('3.3.4.4.4 Simple Types'));
    const values = [...sec.matchAll(/0x([0-9A-F]{8}) /g)].map((m) => Number.parseInt(m[1]!, 16));
    expect(values.length).toBeGreaterThanOrEqual(37);
    for (const v of values) expect(securityStatus(v), `0x${v.toString(16)}`).toBeDefined();
    expect(Object.keys(SECURITY_STATUSES).length).toBe(38);
  });
});
