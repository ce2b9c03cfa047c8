import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { DOMParser } from '@xmldom/xmldom';
import {
  buildGetAndPublishCertErrorResponse,
  buildOcsDiagnosticsFault,
  explain,
  explainAll,
  formatFindings,
  parseOcsDiagnosticsFault,
  parseSoapFault,
  type Finding,
} from '@ocauth/diagnostics';

const one = (x: unknown): Finding => {
  const f = explain(x);
  if (Array.isArray(f)) throw new Error(`expected one finding, got ${f.length}`);
  return f;
};
const wellFormed = (f: Finding) => {
  for (const k of ['id', 'summary', 'cause', 'remedy', 'specSection'] as const) expect(f[k].length, k).toBeGreaterThan(0);
  expect(['error', 'warning', 'info']).toContain(f.severity);
};

describe('explain', () => {
  it('an X-Ms-diagnostics header as real servers send it', () => {
    const f = one('X-Ms-diagnostics: 28033;source="pool0.contoso.com";reason="The Web ticket has expired."');
    wellFormed(f);
    expect(f.id).toBe('webticket.28033');
    expect(f.summary).toMatch(/pool0\.contoso\.com/);
    expect(f.remedy).toMatch(/new web ticket/);
    expect(f.references).toContain('certificate-provisioning-deeper-dive.txt');
    expect(f.details).toMatchObject({ errorId: 28033, source: 'pool0.contoso.com' });
  });
  it('several entries → an array', () => {
    const f = explain('28032;reason="a", 28000;source="x.y"');
    expect(Array.isArray(f) && f.map((x) => x.id)).toEqual(['webticket.28032', 'webticket.28000']);
  });
  it('an ErrorId the spec does not define (UCWA 28029) keeps the server reason', () => {
    const f = one('28029;source="server.contoso.com";reason="Authentication type not allowed."');
    expect(f.id).toBe('webticket.undefined-error-id');
    expect(f.summary).toMatch(/Authentication type not allowed/);
    expect(f.remedy).toMatch(/MS-OCER/);
  });
  it('a malformed header says so, keeping what was recovered', () => {
    const all = explainAll('28032;reason="truncated');
    expect(all.map((x) => x.id)).toEqual(['webticket.28032', 'input.malformed']);
    expect(all[1]!.summary).toMatch(/closing DQUOTE/);
  });
  it('a SOAP fault with OCSDiagnosticsFault, and one without (wsse:MessageExpired)', () => {
    const f = one(buildOcsDiagnosticsFault({ errorId: 28034, envelope: true, soapVersion: '1.2' }));
    expect(f.id).toBe('webticket.28034');
    expect(f.remedy).toMatch(/same web server/);
    const w = one(
      '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode xmlns:o="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">o:MessageExpired</faultcode><faultstring>The message has expired</faultstring></s:Fault></s:Body></s:Envelope>',
    );
    expect(w.id).toBe('wsse.MessageExpired');
    expect(w.cause).toMatch(/Timestamp/);
  });
  it('non-error messages: a successful GetAndPublishCert response, a regular SOAP response', () => {
    const ok = one(
      '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><GetAndPublishCertResponse xmlns="http://schemas.microsoft.com/OCS/AuthWebServices/" ResponseClass="Success" DeviceId="{1}" Entity="a@b.c"/></s:Body></s:Envelope>',
    );
    expect([ok.id, ok.severity]).toEqual(['certprov.success', 'info']);
    const rstr = one(
      '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><t:RequestSecurityTokenResponseCollection xmlns:t="http://docs.oasis-open.org/ws-sx/ws-trust/200512/"/></s:Body></s:Envelope>',
    );
    expect([rstr.id, rstr.severity]).toEqual(['soap.not-a-fault', 'info']);
    expect(
      one('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultstring>x</faultstring></s:Fault></s:Body></s:Envelope>').id,
    ).toBe('input.malformed');
  });
  it('a DOCTYPE-laden fault is a malformed-input finding, not a throw', () => {
    const f = one('<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>');
    expect(f.id).toBe('input.malformed');
    expect(f.summary).toMatch(/DOCTYPE/);
  });
  it('GetAndPublishCert responses and ResponseCodes, drawn from the field notes', () => {
    const ds = one(
      buildGetAndPublishCertErrorResponse({
        deviceId: '{00000000-0000-0000-0000-000000000001}',
        entity: 'bob@contoso.com',
        responseCode: 'DataStoreUnavailable',
      }),
    );
    expect(ds.id).toBe('certprov.DataStoreUnavailable');
    expect(ds.remedy).toMatch(/home pool store/);
    expect(ds.remedy).toMatch(/Test-CsPhoneBootstrap/);
    expect(ds.references).toEqual(['receive-and-publish-certificate-troubleshooting.txt']);
    expect(ds.details).toMatchObject({ entity: 'bob@contoso.com' });
    const vp = one('InvalidValidityPeriod');
    expect(vp.cause).toMatch(/4320 hours/);
    expect(vp.remedy).toMatch(/server policy/);
    const pk = one({ code: 'ERR_CERTPROV_RESPONSE_ERROR', responseCode: 'InvalidPublicKey', message: 'key too small' });
    expect(pk.cause).toMatch(/2048/);
    expect(one(7).id).toBe('certprov.DataStoreUnavailable');
  });
  it('SSPI statuses: numbers, hex strings, names; 0x00090312 is ContinueNeeded', () => {
    expect(one(0x00090312).id).toBe('sspi.ContinueNeeded');
    expect(one(0x00090312).summary).toMatch(/"OK"/);
    const u = one('0x80090325');
    expect(u.id).toBe('sspi.UntrustedRoot');
    expect(u.references).toContain('receive-and-publish-certificate-troubleshooting.txt');
    expect(one(-2146893022).id).toBe('sspi.WrongPrincipal');
    expect(one({ securityStatus: 'InternalError' }).id).toBe('sspi.InternalError');
    expect(one('InternalError').id).toBe('certprov.InternalError');
    expect(one(0x800903ff | 0).id).toBe('sspi.unknown');
  });
  it('error objects from ocauth packages', () => {
    const f = one(Object.assign(new Error('ticket expired at 2026-01-01'), { code: 'ERR_WSTRUST_TICKET_EXPIRED', errorId: 28033 }));
    expect(f.id).toBe('webticket.28033');
    expect(f.details).toMatchObject({ code: 'ERR_WSTRUST_TICKET_EXPIRED' });
    expect(one({ code: 'ERR_SOMETHING', message: 'x: expected y, received z' }).id).toBe('error.ERR_SOMETHING');
    expect(one({ headers: new Headers({ 'X-Ms-diagnostics': '28000;reason="User is not SIP enabled."' }) }).id).toBe('webticket.28000');
  });
  it('never throws; unknown input is a warning finding', () => {
    for (const x of [
      undefined,
      null,
      '',
      'hello',
      3.5,
      Symbol('s'),
      () => 1,
      {},
      [],
      new Uint8Array([0xff]),
      123456789012,
      { errorId: {} },
      {
        get headers() {
          throw new Error('boom');
        },
      },
    ]) {
      const all = explainAll(x);
      expect(all.length, String(typeof x)).toBeGreaterThan(0);
      for (const f of all) wellFormed(f);
    }
    expect(one('hello').id).toBe('input.unrecognized');
  });
  it('formatFindings renders a finding for a CLI', () => {
    const text = formatFindings(explainAll('28033;source="pool0.contoso.com"'), { details: true });
    expect(text).toMatch(/^ERROR webticket\.28033 — Web Ticket error 28033 \(WebTicketExpired\)/);
    expect(text).toMatch(/\n  remedy: Request a new web ticket/);
    expect(text).toMatch(/\n  notes:  certificate-provisioning-deeper-dive\.txt/);
    expect(text).toMatch(/\n  source: pool0\.contoso\.com/);
  });
});

describe('DOM input (a caller that already parsed the envelope)', () => {
  it('accepts an xmldom Document, the Envelope element or the Fault element', () => {
    const doc = new DOMParser().parseFromString(buildOcsDiagnosticsFault({ errorId: 28032, envelope: true }), 'text/xml');
    for (const node of [doc, doc.documentElement!, doc.getElementsByTagNameNS('http://schemas.xmlsoap.org/soap/envelope/', 'Fault')[0]!]) {
      const r = parseOcsDiagnosticsFault(node);
      expect(r.ok && r.value.errorId).toBe(28032);
      expect(parseSoapFault(node).ok).toBe(true);
    }
    const detail = doc.getElementsByTagNameNS('urn:component:Microsoft.Rtc.WebAuthentication.2010', 'OCSDiagnosticsFault')[0]!;
    expect(parseOcsDiagnosticsFault(detail).ok).toBe(true);
  });
});

describe('28020 after a UsernameToken (real pools answer wrong credentials with it)', () => {
  const capture = JSON.parse(readFileSync(new URL('../../../vectors/diagnostics/faults.json', import.meta.url), 'utf8')).testGroups[0].tests[0].xml as string;
  it('the real pool fault (a:FailedAuthentication, "No valid security token.") says to check the user name and password', () => {
    const f = explain(capture) as Finding;
    expect(f.id).toBe('webticket.28020');
    expect(f.remedy).toMatch(/^Check the user name and password/);
    expect(f.cause).toMatch(/user name or the password/);
  });
  it('the same via X-Ms-diagnostics with fault=FailedAuthentication, and an error object with faultcode or credential', () => {
    expect(
      (explain('X-Ms-diagnostics: 28020;source="pool.contoso.com";reason="No valid security token.";fault="wsse:FailedAuthentication"') as Finding).remedy,
    ).toMatch(/^Check the user name and password/);
    expect((explain({ errorId: 28020, faultcode: 'a:FailedAuthentication' }) as Finding).remedy).toMatch(/^Check the user name and password/);
    expect((explain({ errorId: 28020, credential: 'UsernameToken' }) as Finding).remedy).toMatch(/^Check the user name and password/);
  });
  it('keeps the spec table meaning otherwise (no token / InvalidSecurity)', () => {
    for (const input of [28020, '28020;reason="There is no valid security token."', { errorId: 28020, faultcode: 'wsse:InvalidSecurity' }]) {
      const f = explain(input) as Finding;
      expect(f.remedy, JSON.stringify(input)).toBe('Check the client sends the token inside wsse:Security as the service policy (MEX) requires.');
    }
  });
});
