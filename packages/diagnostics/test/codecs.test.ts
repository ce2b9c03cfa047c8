import { describe, expect, it } from 'vitest';
import {
  DiagnosticsError,
  buildErrorInfo,
  buildGetAndPublishCertErrorResponse,
  buildOcsDiagnosticsFault,
  buildSoapFault,
  formatMsDiagnostics,
  formatWebTicketHeader,
  parseErrorInfo,
  parseMsDiagnostics,
  parseOcsDiagnosticsFault,
  parseSoapFault,
  parseWebTicketHeader,
  parseWebTicketUrlHeader,
  toDiagnosticsText,
  webTicketDiagnostics,
  webTicketTokenText,
} from '@ocauth/diagnostics';

const throwsCode = (fn: () => unknown, code: string, msg: RegExp) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DiagnosticsError);
    expect((e as DiagnosticsError).code).toBe(code);
    expect((e as Error).message).toMatch(msg);
    return;
  }
  throw new Error('expected a throw');
};

describe('X-Ms-diagnostics', () => {
  it('formats the named form real servers send and parses it back', () => {
    const h = formatMsDiagnostics({ errorId: 28032, source: 'pool0.contoso.com', reason: 'The Web ticket is invalid.', fault: 'wsse:InvalidSecurityToken' });
    expect(h).toBe('28032;source="pool0.contoso.com";reason="The Web ticket is invalid.";fault="wsse:InvalidSecurityToken"');
    const r = parseMsDiagnostics(h);
    expect(r.ok && r.value).toEqual({ errorId: 28032, source: 'pool0.contoso.com', reason: 'The Web ticket is invalid.', fault: 'wsse:InvalidSecurityToken' });
    expect(r.issues).toEqual([]);
  });
  it('formats the literal ABNF (positional) form', () => {
    const h = formatMsDiagnostics(
      { errorId: 28000, source: 'fe.contoso.com', reason: 'User is not SIP enabled.', fault: 'wsse:FailedAuthentication' },
      { style: 'positional' },
    );
    expect(h).toBe('28000;"fe.contoso.com";"User is not SIP enabled.";"wsse:FailedAuthentication"');
    const r = parseMsDiagnostics(h);
    expect(r.ok && r.value.reason).toBe('User is not SIP enabled.');
  });
  it('rejects unrepresentable fields with a typed error naming the field', () => {
    throwsCode(
      () => formatMsDiagnostics({ errorId: 28032, reason: 'say "hi"' }),
      'ERR_DIAGNOSTICS_FIELD',
      /reason: expected printable ASCII without DQUOTE.*U\+0022/,
    );
    throwsCode(() => formatMsDiagnostics({ errorId: -1 }), 'ERR_DIAGNOSTICS_FIELD', /errorId: expected a non-negative integer/);
    throwsCode(() => formatMsDiagnostics({ errorId: 1, source: 'a b' }), 'ERR_DIAGNOSTICS_FIELD', /source: expected a server FQDN/);
    throwsCode(() => formatMsDiagnostics({ errorId: 1, fault: 'wsse' }), 'ERR_DIAGNOSTICS_FIELD', /fault: expected 1\*ALPHA ":" 1\*ALPHA/);
    throwsCode(() => formatMsDiagnostics({ errorId: 1, reason: 'x\r\nSet-Cookie: a' }), 'ERR_DIAGNOSTICS_FIELD', /U\+000D/);
    throwsCode(() => formatMsDiagnostics({ errorId: 1, fields: { Reason: 'x' } }), 'ERR_DIAGNOSTICS_FIELD', /fields/);
    throwsCode(() => formatMsDiagnostics({ errorId: 1, reason: 'x' }, { style: 'positional' }), 'ERR_DIAGNOSTICS_FIELD', /source/);
    expect(toDiagnosticsText('bad "quote"\r\nnext\\ ü')).toBe("bad 'quote' next' -".replace(' -', ''));
  });
  it('webTicketDiagnostics builds the catalog entry a server sends', () => {
    expect(formatMsDiagnostics(webTicketDiagnostics(28033, { source: 'pool0.contoso.com' }))).toBe(
      '28033;source="pool0.contoso.com";reason="The Web ticket has expired.";fault="wsse:InvalidSecurityToken"',
    );
    expect(webTicketDiagnostics('UserNotSipEnabled')).toEqual({ errorId: 28000, reason: 'User is not SIP enabled.', fault: 'wsse:FailedAuthentication' });
    throwsCode(() => webTicketDiagnostics(28029), 'ERR_DIAGNOSTICS_FIELD', /Web Ticket ErrorId or name defined/);
  });
  it('tolerates real-world variants and says so', () => {
    const r = parseMsDiagnostics('X-Ms-diagnostics:  28020 ; Source = server.contoso.com ;REASON="No valid security token." ; error_category="invalid_token"');
    expect(r.ok).toBe(true);
    expect(r.ok && r.value).toEqual({
      errorId: 28020,
      source: 'server.contoso.com',
      reason: 'No valid security token.',
      fields: { error_category: 'invalid_token' },
    });
    expect(r.issues.map((i) => i.message).join('\n')).toMatch(/not quoted/);
  });
  it('strict mode (conformance): tolerated variants and unformattable values fail', () => {
    const bad = [
      '28032;reason=unquoted',
      '[28032;reason="x"]',
      '28032;source="a b.example";reason="x"',
      '28032;fault="nocolon"',
      '28032;reason="x";reason="y"',
    ];
    for (const h of bad) {
      expect(parseMsDiagnostics(h).ok, `tolerant: ${h}`).toBe(true);
      const r = parseMsDiagnostics(h, { strict: true });
      expect(r.ok, `strict: ${h}`).toBe(false);
      if (!r.ok) expect(r.error.message).toMatch(/^X-Ms-diagnostics \(strict\): /);
    }
    expect(parseMsDiagnostics('28020;source="server.contoso.com";reason="No valid security token."', { strict: true }).ok).toBe(true);
    expect(parseWebTicketHeader('OPAQUE=YWI', { strict: true }).ok).toBe(false);
    expect(parseWebTicketHeader('opaque=YWI', { strict: true }).ok).toBe(true);
  });
  it('splits entries joined by commas, not commas inside reasons', () => {
    const r = parseMsDiagnostics('28032;reason="Invalid, really";source="a.b", 28033;reason="Expired"');
    expect(r.entries.map((e) => [e.errorId, e.reason])).toEqual([
      [28032, 'Invalid, really'],
      [28033, 'Expired'],
    ]);
  });
  it('reports malformed input without throwing', () => {
    for (const bad of ['', 'abc', ';reason="x"', '28032;reason="unterminated', '28032\u0000;reason="x"', 'x'.repeat(10000), null, 42, {}]) {
      const r = parseMsDiagnostics(bad);
      expect(r.ok, JSON.stringify(bad)?.slice(0, 40)).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('ERR_DIAGNOSTICS_HEADER');
    }
    const u = parseMsDiagnostics('28032;reason="unterminated');
    expect(!u.ok && u.error.message).toMatch(/closing DQUOTE/);
    expect(u.entries[0]).toEqual({ errorId: 28032, reason: 'unterminated' });
  });
});

describe('X-MS-WebTicket / X-MS-WebTicketURL', () => {
  const saml = '<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:1.0:assertion" AssertionID="_x"/>';
  it('round-trips a ticket with extensions', () => {
    const h = formatWebTicketHeader({ token: saml, extensions: { 'x-ver': '2' } });
    expect(h).toMatch(/^opaque=[A-Za-z0-9+/]+=*;x-ver=2$/);
    const r = parseWebTicketHeader(h);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(webTicketTokenText(r.value)).toBe(saml);
      expect(r.value.extensions).toEqual({ 'x-ver': '2' });
    }
    const unpadded = formatWebTicketHeader('ab', { padding: false });
    expect(unpadded).toBe('opaque=YWI');
    const p = parseWebTicketHeader(unpadded);
    expect(p.ok && webTicketTokenText(p.value)).toBe('ab');
  });
  it('rejects what is not a ticket', () => {
    for (const [bad, msg] of [
      ['opaque=', /empty/],
      ['ticket=abc', /opaque/],
      ['opaque=ab-_', /base64url/],
      ['opaque=a', /whole number of bytes/],
      ['opaque=YW=I', /"=" only/],
      ['opaque=YWI;bad ext=1', /extension/],
      ['opaque=YWI\r\nX-Evil: 1', /control/],
    ] as const) {
      const r = parseWebTicketHeader(bad);
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(r.error.message, bad).toMatch(msg);
    }
    throwsCode(() => formatWebTicketHeader({ token: saml, extensions: { 'a b': 'c' } }), 'ERR_DIAGNOSTICS_FIELD', /extension name/);
    throwsCode(() => formatWebTicketHeader(''), 'ERR_DIAGNOSTICS_FIELD', /empty token/);
  });
  it('parses X-MS-WebTicketURL', () => {
    const r = parseWebTicketUrlHeader(' https://pool0.contoso.com/WebTicket/WebTicketService.svc ');
    expect(r.ok && r.value.url).toBe('https://pool0.contoso.com/WebTicket/WebTicketService.svc');
    expect(parseWebTicketUrlHeader('http://x/').issues[0]!.severity).toBe('warning');
    expect(parseWebTicketUrlHeader('javascript:alert(1)').ok).toBe(false);
    expect(parseWebTicketUrlHeader('/relative').ok).toBe(false);
    expect(parseWebTicketUrlHeader('https://u:p@x/').ok).toBe(false);
  });
});

describe('OCSDiagnosticsFault', () => {
  it('builds SOAP 1.1 and 1.2 faults that parse back', () => {
    for (const soapVersion of ['1.1', '1.2'] as const) {
      const xml = buildOcsDiagnosticsFault({ errorId: 28033, soapVersion, envelope: true });
      const r = parseOcsDiagnosticsFault(xml);
      expect(r.ok, soapVersion).toBe(true);
      if (r.ok) {
        expect(r.value.errorId).toBe(28033);
        expect(r.value.reason).toBe('The Web ticket has expired.');
        expect(r.value.fault!.faultcode).toBe('wsse:InvalidSecurityToken');
        expect(r.value.fault!.faultcodeNamespace).toMatch(/wssecurity-secext/);
        expect(r.value.fault!.soapVersion).toBe(soapVersion);
      }
    }
  });
  it('SOAP 1.2: internal errors are env:Receiver, client errors env:Sender, overridable', () => {
    const code = (xml: string) => {
      const r = parseSoapFault(xml);
      return r.ok ? r.value.code : undefined;
    };
    expect(code(buildOcsDiagnosticsFault({ errorId: 28015, soapVersion: '1.2' }))).toBe('s:Receiver');
    expect(code(buildOcsDiagnosticsFault({ errorId: 28026, soapVersion: '1.2' }))).toBe('s:Receiver');
    expect(code(buildOcsDiagnosticsFault({ errorId: 28032, soapVersion: '1.2' }))).toBe('s:Sender');
    expect(code(buildOcsDiagnosticsFault({ errorId: 28032, soapVersion: '1.2', code: 'Receiver' }))).toBe('s:Receiver');
  });
  it('accepts any prefix and a bare detail', () => {
    const xml = `<env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"><env:Body><env:Fault><faultcode xmlns:q="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">q:FailedAuthentication</faultcode><faultstring>no</faultstring><detail><x:OCSDiagnosticsFault xmlns:x="urn:component:Microsoft.Rtc.WebAuthentication.2010"><x:Ms-Diagnostics-Fault><x:ErrorId> 28024 </x:ErrorId><x:Reason>Authentication failed.</x:Reason><x:Extra/></x:Ms-Diagnostics-Fault></x:OCSDiagnosticsFault></detail></env:Fault></env:Body></env:Envelope>`;
    const r = parseOcsDiagnosticsFault(xml);
    expect(r.ok && [r.value.errorId, r.value.reason, r.value.fault!.faultcode]).toEqual([28024, 'Authentication failed.', 'q:FailedAuthentication']);
    const d = parseOcsDiagnosticsFault(
      '<OCSDiagnosticsFault xmlns="urn:component:Microsoft.Rtc.WebAuthentication.2010"><Ms-Diagnostics-Fault><ErrorId>28032</ErrorId><Reason>r</Reason></Ms-Diagnostics-Fault></OCSDiagnosticsFault>',
    );
    expect(d.ok && d.value).toEqual({ errorId: 28032, reason: 'r', fault: undefined });
  });
  it('refuses DOCTYPE, malformed XML, missing ErrorId, bad ErrorId', () => {
    const cases: [string, string, RegExp][] = [
      ['<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>', 'ERR_DIAGNOSTICS_XML_DOCTYPE', /DOCTYPE/],
      ['<s:Fault xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><faultcode>', 'ERR_DIAGNOSTICS_XML', /well-formed/],
      [
        '<s:Fault xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><faultcode>s:Client</faultcode><faultstring>x</faultstring></s:Fault>',
        'ERR_DIAGNOSTICS_FAULT',
        /expected an af:OCSDiagnosticsFault/,
      ],
      [
        '<a:OCSDiagnosticsFault xmlns:a="urn:component:Microsoft.Rtc.WebAuthentication.2010"><a:Ms-Diagnostics-Fault><a:Reason>x</a:Reason></a:Ms-Diagnostics-Fault></a:OCSDiagnosticsFault>',
        'ERR_DIAGNOSTICS_FAULT',
        /ErrorId child/,
      ],
      [
        '<a:OCSDiagnosticsFault xmlns:a="urn:component:Microsoft.Rtc.WebAuthentication.2010"><a:Ms-Diagnostics-Fault><a:ErrorId>0</a:ErrorId><a:Reason>x</a:Reason></a:Ms-Diagnostics-Fault></a:OCSDiagnosticsFault>',
        'ERR_DIAGNOSTICS_FAULT',
        /positive integer/,
      ],
      ['<a>' + '<b>'.repeat(100) + '</b>'.repeat(100) + '</a>', 'ERR_DIAGNOSTICS_XML_LIMIT', /nesting/],
    ];
    for (const [xml, code, msg] of cases) {
      const r = parseOcsDiagnosticsFault(xml);
      expect(r.ok, xml.slice(0, 50)).toBe(false);
      if (!r.ok) {
        expect(r.error.code, xml.slice(0, 50)).toBe(code);
        expect(r.error.message).toMatch(msg);
      }
    }
    expect(
      parseSoapFault('<s:Fault xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><faultcode>s:Client</faultcode><faultstring>x</faultstring></s:Fault>').ok,
    ).toBe(true);
  });
  it('build rejects bad fields', () => {
    throwsCode(() => buildOcsDiagnosticsFault({ errorId: 0, reason: 'x' }), 'ERR_DIAGNOSTICS_FIELD', /positiveInteger/);
    throwsCode(() => buildOcsDiagnosticsFault({ errorId: 1 }), 'ERR_DIAGNOSTICS_FIELD', /af:Reason/);
    throwsCode(() => buildOcsDiagnosticsFault({ errorId: 28032, reason: 'a\u0001' }), 'ERR_DIAGNOSTICS_FIELD', /U\+0001/);
    throwsCode(() => buildOcsDiagnosticsFault({ errorId: 28032, faultcode: 'x:Y' }), 'ERR_DIAGNOSTICS_FIELD', /faultcodeNamespace/);
  });
});

describe('ErrorInfo', () => {
  it('builds and parses a GetAndPublishCert error response', () => {
    const xml = buildGetAndPublishCertErrorResponse({
      deviceId: '{1A2B3C4D-0000-1111-2222-333344445555}',
      entity: 'alice@contoso.com',
      responseCode: 'DataStoreUnavailable',
      description: 'store <down> & out',
    });
    const r = parseErrorInfo(xml);
    expect(r.ok && r.value).toEqual({
      responseCode: 'DataStoreUnavailable',
      known: true,
      description: 'store <down> & out',
      additionalContextElements: 0,
      response: { responseClass: 'Error', deviceId: '{1A2B3C4D-0000-1111-2222-333344445555}', entity: 'alice@contoso.com' },
    });
    expect(buildErrorInfo({ responseCode: 'InvalidCSR' })).toBe(
      '<ErrorInfo xmlns="http://schemas.microsoft.com/OCS/AuthWebServices/" ResponseCode="InvalidCSR"></ErrorInfo>',
    );
    throwsCode(() => buildErrorInfo({ responseCode: 'Bogus' }), 'ERR_DIAGNOSTICS_FIELD', /ResponseCode/);
  });
  it('keeps unknown codes with a warning and fails without ErrorInfo', () => {
    const r = parseErrorInfo('<ErrorInfo xmlns="http://schemas.microsoft.com/OCS/AuthWebServices/" ResponseCode="Whatever"/>');
    expect(r.ok && r.value.known).toBe(false);
    expect(r.issues[0]!.message).toMatch(/not a GetAndPublishCertResponseCodeType/);
    const n = parseErrorInfo('<GetAndPublishCertResponse xmlns="http://schemas.microsoft.com/OCS/AuthWebServices/" ResponseClass="Success"/>');
    expect(!n.ok && n.error.message).toMatch(/ResponseClass "Success"/);
    expect(parseErrorInfo('<ErrorInfo xmlns="http://schemas.microsoft.com/OCS/AuthWebServices/"/>').ok).toBe(false);
  });
});

describe('X-MS-WebTicket: compact web tickets (cwt=, Authorization: Bearer cwt=)', () => {
  const tok = Buffer.from('compact-ticket-bytes\xff\xfe', 'latin1').toString('base64url');
  it('parses cwt=<base64url> and Bearer cwt=<base64url>, keeping the token text', () => {
    for (const [v, bearer] of [
      [`cwt=${tok}`, false],
      [`X-MS-WebTicket: cwt=${tok}`, false],
      [`Bearer cwt=${tok}`, true],
      [`Authorization: Bearer cwt=${tok}`, true],
    ] as const) {
      const r = parseWebTicketHeader(v);
      expect(r.ok, v).toBe(true);
      if (!r.ok) continue;
      expect(r.value.kind).toBe('cwt');
      expect(r.value.compact).toBe(tok);
      expect(Buffer.from(r.value.token).toString('latin1')).toBe('compact-ticket-bytes\xff\xfe');
      expect(r.value.bearer === true).toBe(bearer);
    }
    const o = parseWebTicketHeader('opaque=YWI=');
    expect(o.ok && o.value.kind).toBe('opaque');
  });
  it('refuses what is not a compact ticket, with the reason', () => {
    const cases: [string, RegExp][] = [
      ['cwt=', /empty/],
      [`cwt=${tok};ver=2`, /extensions do not follow/],
      ['cwt=ab cd', /base64url characters/],
      ['cwt=A', /whole number of bytes/],
      ['cwt=ab=c', /trailing padding/],
      ['Bearer opaque=YWI=', /Bearer cwt=/],
    ];
    for (const [v, re] of cases) {
      const r = parseWebTicketHeader(v);
      expect(r.ok, v).toBe(false);
      if (!r.ok) expect(r.error.message, v).toMatch(re);
    }
  });
  it('explain() recognises both header forms of a compact ticket', async () => {
    const { explainAll } = await import('../src/index.js');
    for (const v of [`cwt=${tok}`, `Bearer cwt=${tok}`, `X-MS-WebTicket: cwt=${tok}`]) {
      const [f] = explainAll(v);
      expect(f?.id, v).toBe('webticket.header-ok');
      expect(f?.summary).toContain('compact web ticket');
    }
    expect(explainAll('cwt=a b')[0]?.severity).toBe('error');
  });
  it('standard base64 in a compact ticket is a warning (an error in strict mode)', () => {
    expect(parseWebTicketHeader('cwt=ab+/').ok).toBe(true);
    expect(parseWebTicketHeader('cwt=ab+/', { strict: true }).ok).toBe(false);
    expect(parseWebTicketHeader(`CWT=${tok}`, { strict: true }).ok).toBe(false);
  });
});

describe('buildSoapFault (the one SOAP Fault builder)', () => {
  it('writes SOAP 1.1 and 1.2 faults that parse back, with and without af:OCSDiagnosticsFault', () => {
    const plain = buildSoapFault({ faultcode: 's:Client', faultstring: 'bad <request>' });
    expect(plain).toBe(
      '<s:Fault xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><faultcode>s:Client</faultcode><faultstring xml:lang="en-US">bad &lt;request&gt;</faultstring></s:Fault>',
    );
    const p = parseSoapFault(plain);
    expect(p.ok && [p.value.soapVersion, p.value.faultcode, p.value.faultstring, p.value.diagnostics]).toEqual(['1.1', 's:Client', 'bad <request>', undefined]);
    const v12 = parseSoapFault(buildSoapFault({ faultcode: 's:Server', faultstring: 'x', soapVersion: '1.2', envelope: true }));
    expect(v12.ok && [v12.value.soapVersion, v12.value.code, v12.value.faultcode]).toEqual(['1.2', 's:Receiver', 's:Receiver']);
    const sub = parseSoapFault(
      buildSoapFault({ faultcode: 'wsse:FailedAuthentication', faultstring: 'x', soapVersion: '1.2', diagnostics: { errorId: 28020, reason: 'r' } }),
    );
    expect(sub.ok && [sub.value.code, sub.value.faultcode, sub.value.faultcodeNamespace, sub.value.diagnostics]).toEqual([
      's:Sender',
      'wsse:FailedAuthentication',
      'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
      { errorId: 28020, reason: 'r' },
    ]);
    const own = parseSoapFault(buildSoapFault({ faultcode: 'a:FailedAuthentication', faultcodeNamespace: 'urn:a', faultstring: 'x' }));
    expect(own.ok && own.value.faultcodeNamespace).toBe('urn:a');
  });
  it('refuses what it cannot write', () => {
    throwsCode(() => buildSoapFault({ faultcode: 'Client', faultstring: 'x' }), 'ERR_DIAGNOSTICS_FIELD', /qualified name/);
    throwsCode(() => buildSoapFault({ faultcode: 'q:X', faultstring: 'x' }), 'ERR_DIAGNOSTICS_FIELD', /faultcodeNamespace/);
    throwsCode(() => buildSoapFault({ faultcode: 's:Client', faultstring: 'a\u0000' }), 'ERR_DIAGNOSTICS_FIELD', /U\+0000/);
    throwsCode(
      () => buildSoapFault({ faultcode: 's:Client', faultstring: 'x', diagnostics: { errorId: -1, reason: 'r' } }),
      'ERR_DIAGNOSTICS_FIELD',
      /positiveInteger/,
    );
  });
});
