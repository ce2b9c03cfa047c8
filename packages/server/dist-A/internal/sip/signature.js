// MS-SIPAE message signatures, as pidgin-sipe computes them (sipe-sign.c sipmsg_breakdown_parse /
// sipmsg_breakdown_get_string, sip-sec-tls-dsk.c): HMAC over a buffer of <…>-delimited fields, keyed
// with the TLS-DSK client signing key (requests) or server signing key (responses); hex in the
// `response=` / `rspauth=` auth parameter.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ServerError } from '../errors.js';
import { addressOf, header, tagOf } from './message.js';
export class SipAuthHeaderError extends ServerError {
    constructor(message) {
        super('ERR_SIP_AUTH_HEADER', message);
        this.name = 'SipAuthHeaderError';
    }
}
/** `TLS-DSK qop="auth", realm="…", gssapi-data="…", version=4` → scheme + params (names lower-cased). */
export function parseAuthHeader(value) {
    const m = /^\s*([A-Za-z0-9-]+)(?:\s+|$)/.exec(value);
    if (!m)
        throw new SipAuthHeaderError(`Authorization: expected "SCHEME param=value, …", received ${JSON.stringify(value.slice(0, 60))}`);
    const params = new Map();
    const re = /\s*([A-Za-z0-9_-]+)\s*=\s*(?:"([^"]*)"|([^,\s"]*))\s*(?:,|$)/y;
    re.lastIndex = m[0].length;
    while (re.lastIndex < value.length) {
        const start = re.lastIndex;
        const p = re.exec(value);
        if (!p || re.lastIndex === start)
            throw new SipAuthHeaderError(`Authorization ${m[1]}: expected name=value or name="value" at offset ${start}, received ${JSON.stringify(value.slice(start, start + 40))}`);
        const name = p[1].toLowerCase();
        if (params.has(name))
            throw new SipAuthHeaderError(`Authorization ${m[1]}: expected each parameter once, received ${name} twice`);
        params.set(name, p[2] ?? p[3] ?? '');
    }
    return { scheme: m[1], params };
}
function pAssertedIdentity(m) {
    const v = header(m, 'P-Asserted-Identity') ?? header(m, 'P-Preferred-Identity');
    let sip = '';
    let tel = '';
    for (const part of (v ?? '').split(',')) {
        const a = addressOf(part.trim());
        if (/^sips?:/i.test(a))
            sip ||= a;
        else if (/^tel:/i.test(a))
            tel ||= a;
    }
    return { sip, tel };
}
/**
 * The signature buffer of a message ([MS-SIPAE] 3.2.5.2; version ≥ 3 adds to-url and the asserted
 * identities): `<protocol><rand><num><realm><targetname><call-id><cseq-number><method><from-url>
 * <from-tag><to-url><to-tag><pai-sip><pai-tel><expires>` followed by `<status>` for responses.
 */
export function signatureBuffer(m, f, version, cseqMethodForResponse) {
    const cseq = header(m, 'CSeq') ?? '';
    const cseqNum = cseq.split(' ')[0] ?? '';
    const method = m.method ?? cseqMethodForResponse ?? cseq.split(' ')[1] ?? '';
    const from = header(m, 'From');
    const to = header(m, 'To');
    const { sip, tel } = pAssertedIdentity(m);
    const expires = header(m, 'Expires') ?? '';
    const status = m.status !== undefined ? `<${m.status}>` : '';
    const fields = version < 3
        ? [f.protocol, f.rand, f.num, f.realm, f.targetname, header(m, 'Call-ID') ?? '', cseqNum, method, addressOf(from), tagOf(from), tagOf(to), expires]
        : [
            f.protocol,
            f.rand,
            f.num,
            f.realm,
            f.targetname,
            header(m, 'Call-ID') ?? '',
            cseqNum,
            method,
            addressOf(from),
            tagOf(from),
            addressOf(to),
            tagOf(to),
            sip,
            tel,
            expires,
        ];
    return fields.map((x) => `<${x}>`).join('') + status;
}
export const digestForCipher = (cipher) => (/MD5$/i.test(cipher) ? 'md5' : 'sha1');
/** HMAC of the buffer in upper-case hex (as SIPE's buff_to_hex_str writes it). */
export function sign(key, buffer, digest = 'sha1') {
    return createHmac(digest, key).update(buffer, 'utf8').digest('hex').toUpperCase();
}
/** Constant-time check of a hex signature (either case). */
export function verifySignature(key, buffer, hex, digest = 'sha1') {
    const len = digest === 'md5' ? 32 : 40;
    if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex))
        return false;
    const want = createHmac(digest, key).update(buffer, 'utf8').digest();
    return timingSafeEqual(want, Buffer.from(hex, 'hex'));
}
//# sourceMappingURL=signature.js.map