// SIP messages over a stream transport (RFC 3261 7, 18.3): start line, headers, Content-Length framed
// body. Only what a laboratory registrar needs; anything else is refused with a typed error.
import { ServerError } from '../errors.js';
export class SipMessageError extends ServerError {
    /** The SIP status to answer with (400 Bad Request, 513 Message Too Large; RFC 3261 21.4.1 / 21.5.9). */
    status;
    constructor(code, status, message) {
        super(code, message);
        this.name = 'SipMessageError';
        this.status = status;
    }
}
/** RFC 3261 7.3.3 compact header forms. */
const COMPACT = {
    i: 'call-id',
    f: 'from',
    t: 'to',
    v: 'via',
    l: 'content-length',
    m: 'contact',
    k: 'supported',
    c: 'content-type',
    e: 'content-encoding',
    s: 'subject',
};
export const canonicalHeaderName = (n) => {
    const l = n.toLowerCase();
    return COMPACT[l] ?? l;
};
/** First header of that name (case-insensitive, compact forms understood). */
export function header(m, name) {
    const want = canonicalHeaderName(name);
    return m.headers.find((h) => canonicalHeaderName(h.name) === want)?.value;
}
export function headers(m, name) {
    const want = canonicalHeaderName(name);
    return m.headers.filter((h) => canonicalHeaderName(h.name) === want).map((h) => h.value);
}
const TOKEN = /^[A-Za-z0-9.!%*_+`'~-]+$/;
/**
 * Incremental parser of a SIP byte stream. `push()` bytes, then take complete messages with `next()`;
 * CRLF keep-alives between messages (RFC 5626 4.4.1, SIPE sends "\r\n\r\n") are skipped.
 */
export class SipStreamParser {
    buf = Buffer.alloc(0);
    maxHeaderBytes;
    maxBodyBytes;
    maxHeaders;
    constructor(limits = {}) {
        this.maxHeaderBytes = limits.maxHeaderBytes ?? 16 * 1024;
        this.maxBodyBytes = limits.maxBodyBytes ?? 64 * 1024;
        this.maxHeaders = limits.maxHeaders ?? 100;
    }
    push(chunk) {
        this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    }
    /** The next complete message, undefined when more bytes are needed; throws SipMessageError. */
    next() {
        let skip = 0;
        while (skip < this.buf.length && (this.buf[skip] === 13 || this.buf[skip] === 10))
            skip++;
        if (skip)
            this.buf = this.buf.subarray(skip);
        if (this.buf.length === 0)
            return undefined;
        const end = this.buf.indexOf('\r\n\r\n');
        if (end < 0) {
            if (this.buf.length > this.maxHeaderBytes)
                throw new SipMessageError('ERR_SIP_TOO_LARGE', 513, `SIP headers: expected at most ${this.maxHeaderBytes} bytes, received more without an empty line`);
            return undefined;
        }
        if (end > this.maxHeaderBytes)
            throw new SipMessageError('ERR_SIP_TOO_LARGE', 513, `SIP headers: expected at most ${this.maxHeaderBytes} bytes, received ${end}`);
        const head = this.buf.subarray(0, end).toString('latin1');
        const lines = head.split('\r\n');
        const start = lines.shift();
        const msg = { headers: [], body: Buffer.alloc(0) };
        const resp = /^SIP\/2\.0 (\d{3}) ([^\r\n]*)$/.exec(start);
        const req = /^([A-Za-z]+) (\S+) SIP\/2\.0$/.exec(start);
        if (resp) {
            msg.status = Number(resp[1]);
            msg.reason = resp[2];
        }
        else if (req && TOKEN.test(req[1])) {
            msg.method = req[1].toUpperCase();
            msg.requestUri = req[2];
        }
        else {
            throw new SipMessageError('ERR_SIP_MALFORMED', 400, `start line: expected "METHOD uri SIP/2.0" or "SIP/2.0 code reason", received ${JSON.stringify(start.slice(0, 80))}`);
        }
        if (lines.length > this.maxHeaders)
            throw new SipMessageError('ERR_SIP_TOO_LARGE', 513, `SIP headers: expected at most ${this.maxHeaders} lines, received ${lines.length}`);
        for (const line of lines) {
            if (/^[ \t]/.test(line))
                throw new SipMessageError('ERR_SIP_MALFORMED', 400, 'header: expected no folded (continuation) lines, received one');
            const colon = line.indexOf(':');
            const name = colon > 0 ? line.slice(0, colon).trim() : '';
            if (!name || !TOKEN.test(name))
                throw new SipMessageError('ERR_SIP_MALFORMED', 400, `header: expected "Name: value", received ${JSON.stringify(line.slice(0, 80))}`);
            const value = line.slice(colon + 1).trim();
            // Values are echoed into responses (Via, From, To, Call-ID, CSeq): no bare CR/LF/NUL may pass.
            if (/[\r\n\0]/.test(value))
                throw new SipMessageError('ERR_SIP_MALFORMED', 400, `header ${name}: expected no CR, LF or NUL in the value, received one`);
            msg.headers.push({ name, value });
        }
        const cl = header(msg, 'content-length');
        if (cl !== undefined && !/^\d{1,9}$/.test(cl))
            throw new SipMessageError('ERR_SIP_MALFORMED', 400, `Content-Length: expected a decimal length, received ${JSON.stringify(cl.slice(0, 20))}`);
        // RFC 3261 18.3: over a stream transport Content-Length is mandatory; a missing one is read as 0.
        const len = cl === undefined ? 0 : Number(cl);
        if (len > this.maxBodyBytes)
            throw new SipMessageError('ERR_SIP_TOO_LARGE', 513, `Content-Length: expected at most ${this.maxBodyBytes}, received ${len}`);
        if (this.buf.length < end + 4 + len)
            return undefined;
        msg.body = Buffer.from(this.buf.subarray(end + 4, end + 4 + len));
        this.buf = this.buf.subarray(end + 4 + len);
        return msg;
    }
    get buffered() {
        return this.buf.length;
    }
}
/** The URI of a From/To/Contact value (`"Name" <sip:u@d>;tag=x` → `sip:u@d`), as SIPE's parse_from reads it. */
export function addressOf(value) {
    if (!value)
        return '';
    const lt = value.indexOf('<');
    if (lt >= 0) {
        const gt = value.indexOf('>', lt);
        return gt > lt ? value.slice(lt + 1, gt) : '';
    }
    return value.split(';')[0].trim();
}
/** The `;tag=` parameter of a From/To value (after the URI), '' when absent. */
export function tagOf(value) {
    if (!value)
        return '';
    const gt = value.lastIndexOf('>');
    const params = gt >= 0 ? value.slice(gt + 1) : value;
    const m = /;\s*tag=([^;\s]*)/i.exec(params);
    return m ? m[1] : '';
}
/** Serialize a response; Content-Length is set from the body. */
export function formatResponse(status, reason, hdrs, body = Buffer.alloc(0)) {
    const lines = [
        `SIP/2.0 ${status} ${reason}`,
        ...hdrs.filter((h) => canonicalHeaderName(h.name) !== 'content-length').map((h) => `${h.name}: ${h.value}`),
        `Content-Length: ${body.length}`,
        '',
        '',
    ];
    return Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), body]);
}
//# sourceMappingURL=message.js.map