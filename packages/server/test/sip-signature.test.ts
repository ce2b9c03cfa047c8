// The MS-SIPAE signature buffer and the SIP stream parser against real captures: messages exchanged
// by Microsoft Office Communicator 2007 R2 / OCS 2007 R2 and OCS 2007 (authentication protocol
// versions 4 and 2), with the signature buffers pidgin-sipe's own tests assert for them
// (tieto/sipe src/core/sip-sec-ntlm-tests.c). Plus a property: no byte sequence makes the parser
// throw anything but its typed error.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { header, SipMessageError, SipStreamParser } from '../src/internal/sip/message.js';
import { parseAuthHeader, signatureBuffer, sign, verifySignature } from '../src/internal/sip/signature.js';

const REQUEST_V4 =
  'REGISTER sip:cosmo.local SIP/2.0\r\n' +
  'Via: SIP/2.0/TLS 192.168.172.6:12723\r\n' +
  'Max-Forwards: 70\r\n' +
  'From: <sip:user@cosmo.local>;tag=3e49177a52;epid=c8ca638a15\r\n' +
  'To: <sip:user@cosmo.local>\r\n' +
  'Call-ID: 4037df9284354df39065195bd57a4b14\r\n' +
  'CSeq: 3 REGISTER\r\n' +
  'Contact: <sip:192.168.172.6:12723;transport=tls;ms-opaque=fad3dfab32>;methods="INVITE, MESSAGE, INFO, OPTIONS, BYE, CANCEL, NOTIFY, ACK, REFER, BENOTIFY";proxy=replace;+sip.instance="<urn:uuid:34D859DB-6585-5F91-A3B4-DE853C15347D>"\r\n' +
  'User-Agent: UCCAPI/3.5.6907.0 OC/3.5.6907.0 (Microsoft Office Communicator 2007 R2)\r\n' +
  'Supported: gruu-10, adhoclist, msrtc-event-categories\r\n' +
  'Supported: ms-forking\r\n' +
  'ms-keep-alive: UAC;hop-hop=yes\r\n' +
  'Event: registration\r\n' +
  'Proxy-Authorization: NTLM qop="auth", realm="SIP Communications Service", opaque="2BDBAC9D", targetname="cosmo-ocs-r2.cosmo.local", version=4, gssapi-data="TlRMTVNTUAADAAAA", crand="13317733", cnum="1", response="0100000029618e9651b65a7764000000"\r\n' +
  'Content-Length: 0\r\n\r\n';
const REQUEST_V4_SIG =
  '<NTLM><13317733><1><SIP Communications Service><cosmo-ocs-r2.cosmo.local><4037df9284354df39065195bd57a4b14><3><REGISTER><sip:user@cosmo.local><3e49177a52><sip:user@cosmo.local><><><><>';

const RESPONSE_V4 =
  'SIP/2.0 200 OK\r\n' +
  'ms-keep-alive: UAS; tcp=no; hop-hop=yes; end-end=no; timeout=300\r\n' +
  'Authentication-Info: NTLM rspauth="01000000E615438A917661BE64000000", srand="9616454F", snum="1", opaque="2BDBAC9D", qop="auth", targetname="cosmo-ocs-r2.cosmo.local", realm="SIP Communications Service"\r\n' +
  'From: "User"<sip:user@cosmo.local>;tag=3e49177a52;epid=c8ca638a15\r\n' +
  'To: <sip:user@cosmo.local>;tag=5E61CCD925D17E043D9A74835A88F664\r\n' +
  'Call-ID: 4037df9284354df39065195bd57a4b14\r\n' +
  'CSeq: 3 REGISTER\r\n' +
  'Via: SIP/2.0/TLS 192.168.172.6:12723;ms-received-port=12723;ms-received-cid=2600\r\n' +
  'Contact: <sip:192.168.172.6:12723;transport=tls;ms-opaque=fad3dfab32;ms-received-cid=2600>;expires=7200;+sip.instance="<urn:uuid:34d859db-6585-5f91-a3b4-de853c15347d>";gruu="sip:user@cosmo.local;opaque=user:epid:21nYNIVlkV-jtN6FPBU0fQAA;gruu"\r\n' +
  'Expires: 7200\r\n' +
  'presence-state: register-action="added"\r\n' +
  'Server: RTC/3.5\r\n' +
  'Content-Length: 0\r\n\r\n';
const RESPONSE_V4_SIG =
  '<NTLM><9616454F><1><SIP Communications Service><cosmo-ocs-r2.cosmo.local><4037df9284354df39065195bd57a4b14><3><REGISTER><sip:user@cosmo.local><3e49177a52><sip:user@cosmo.local><5E61CCD925D17E043D9A74835A88F664><><><7200><200>';

const RESPONSE_V2 =
  'SIP/2.0 200 OK\r\n' +
  'Authentication-Info: NTLM rspauth="0100000000000000BF2E52667DDF6DED", srand="0878F41B", snum="1", opaque="4452DFB0", qop="auth", targetname="ocs1.ocs.provo.novell.com", realm="SIP Communications Service"\r\n' +
  'From: "Gabriel Burt"<sip:gabriel@ocs.provo.novell.com>;tag=2947328781;epid=1234567890\r\n' +
  'To: <sip:gabriel@ocs.provo.novell.com>;tag=B816D65C2300A32CFA6D371F2AF537FD\r\n' +
  'Call-ID: 8592g5DCBa1694i5887m0D0Bt2247b3F38xAE9Fx\r\n' +
  'CSeq: 3 REGISTER\r\n' +
  'Expires: 900\r\n' +
  'Content-Length: 0\r\n\r\n';
const RESPONSE_V2_SIG =
  '<NTLM><0878F41B><1><SIP Communications Service><ocs1.ocs.provo.novell.com><8592g5DCBa1694i5887m0D0Bt2247b3F38xAE9Fx><3><REGISTER><sip:gabriel@ocs.provo.novell.com><2947328781><B816D65C2300A32CFA6D371F2AF537FD><900><200>';

function parse(raw: string) {
  const p = new SipStreamParser();
  p.push(Buffer.from(raw, 'latin1'));
  const m = p.next();
  expect(m).toBeDefined();
  return m!;
}

describe('MS-SIPAE signature buffer (captures from Communicator 2007 R2 / OCS 2007 R2, as pidgin-sipe asserts them)', () => {
  it('version 4 request: fields from the REGISTER, crand/cnum from the Authorization', () => {
    const m = parse(REQUEST_V4);
    const a = parseAuthHeader(header(m, 'Proxy-Authorization')!);
    expect(a.scheme).toBe('NTLM');
    const buf = signatureBuffer(
      m,
      { protocol: a.scheme, rand: a.params.get('crand')!, num: a.params.get('cnum')!, realm: a.params.get('realm')!, targetname: a.params.get('targetname')! },
      4,
    );
    expect(buf).toBe(REQUEST_V4_SIG);
  });
  it('version 4 response: status appended, To tag and Expires included', () => {
    const m = parse(RESPONSE_V4);
    const a = parseAuthHeader(header(m, 'Authentication-Info')!);
    expect(
      signatureBuffer(
        m,
        {
          protocol: a.scheme,
          rand: a.params.get('srand')!,
          num: a.params.get('snum')!,
          realm: a.params.get('realm')!,
          targetname: a.params.get('targetname')!,
        },
        4,
      ),
    ).toBe(RESPONSE_V4_SIG);
  });
  it('version 2 response: no To URI, no asserted identities', () => {
    const m = parse(RESPONSE_V2);
    const a = parseAuthHeader(header(m, 'Authentication-Info')!);
    expect(
      signatureBuffer(
        m,
        {
          protocol: a.scheme,
          rand: a.params.get('srand')!,
          num: a.params.get('snum')!,
          realm: a.params.get('realm')!,
          targetname: a.params.get('targetname')!,
        },
        2,
      ),
    ).toBe(RESPONSE_V2_SIG);
  });
  it('HMAC-SHA1 signatures: upper-case hex, verified in either case, wrong length/garbage refused', () => {
    const key = Buffer.alloc(32, 7);
    const s = sign(key, REQUEST_V4_SIG);
    expect(s).toMatch(/^[0-9A-F]{40}$/);
    expect(verifySignature(key, REQUEST_V4_SIG, s)).toBe(true);
    expect(verifySignature(key, REQUEST_V4_SIG, s.toLowerCase())).toBe(true);
    expect(verifySignature(key, REQUEST_V4_SIG + 'x', s)).toBe(false);
    expect(verifySignature(key, REQUEST_V4_SIG, s.slice(2))).toBe(false);
    expect(verifySignature(key, REQUEST_V4_SIG, 'zz' + s.slice(2))).toBe(false);
  });
});

describe('SIP stream parser', () => {
  it('skips CRLF keep-alives, frames by Content-Length across chunks, understands compact forms', () => {
    const p = new SipStreamParser();
    const raw = Buffer.from('\r\n\r\nMESSAGE sip:a@b SIP/2.0\r\ni: c1\r\nl: 5\r\n\r\nhello' + REQUEST_V4, 'latin1');
    for (let i = 0; i < raw.length; i += 7) p.push(raw.subarray(i, i + 7));
    const m1 = p.next()!;
    expect([m1.method, header(m1, 'Call-ID'), m1.body.toString()]).toEqual(['MESSAGE', 'c1', 'hello']);
    expect(p.next()!.method).toBe('REGISTER');
    expect(p.next()).toBeUndefined();
  });
  it('any bytes: a message, "need more", or a SipMessageError with a SIP status — nothing else', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.uint8Array({ maxLength: 64 }),
            fc.constantFrom(
              ...['REGISTER sip:x SIP/2.0\r\n', 'Content-Length: 3\r\n', '\r\n\r\n', 'SIP/2.0 200 OK\r\n', 'l: 999999999\r\n', ': x\r\n', ' folded\r\n'].map(
                (s) => Buffer.from(s),
              ),
            ),
          ),
          { maxLength: 20 },
        ),
        (chunks) => {
          const p = new SipStreamParser({ maxHeaderBytes: 512, maxBodyBytes: 256 });
          try {
            for (const c of chunks) {
              p.push(Buffer.from(c));
              for (let m = p.next(); m; m = p.next()) expect(m.method ?? m.status).toBeDefined();
            }
          } catch (e) {
            expect(e).toBeInstanceOf(SipMessageError);
            expect([400, 513]).toContain((e as SipMessageError).status);
          }
          expect(p.buffered).toBeLessThanOrEqual(chunks.reduce((n, c) => n + c.length, 0));
        },
      ),
      { numRuns: 300 },
    );
  });
});
