// registerSip: a SIP-over-TLS REGISTER with TLS-DSK authentication ([MS-SIPAE] 3.2.5), the last leg of a sign-in.
// REGISTER → 401 TLS-DSK challenge → the TLS-DSK legs in gssapi-data (run by the caller, e.g. through the
// Authentication Broker, MS-OCAUTHWS 3.3.4.4) → REGISTER signed with the client signing key → 200 OK whose
// rspauth is checked with the server signing key. Same wire shape as pidgin-sipe (sip-transport.c, sipe-sign.c).
import { randomBytes } from 'node:crypto';
import tls from 'node:tls';
import { ServerError } from '../errors.js';
import { header, headers, SipStreamParser } from './message.js';
import { digestForCipher, parseAuthHeader, sign, signatureBuffer, verifySignature } from './signature.js';
const PROTOCOL = 'TLS-DSK';
class SipConnection {
    socket;
    parser = new SipStreamParser();
    queue = [];
    wake;
    failure;
    constructor(socket) {
        this.socket = socket;
        socket.on('data', (d) => {
            this.parser.push(d);
            try {
                for (let m = this.parser.next(); m; m = this.parser.next())
                    this.queue.push(m);
            }
            catch (e) {
                this.failure = new ServerError('ERR_SERVER_SIP_TRANSPORT', `SIP registrar: unreadable response (${e.message})`, { cause: e });
            }
            this.wake?.();
        });
        socket.on('close', () => {
            this.failure ??= new ServerError('ERR_SERVER_SIP_TRANSPORT', 'SIP registrar: the connection closed before a response');
            this.wake?.();
        });
        socket.on('error', (e) => {
            this.failure ??= new ServerError('ERR_SERVER_SIP_TRANSPORT', `SIP registrar: ${e.message}`, { cause: e });
            this.wake?.();
        });
    }
    static open(o, timeoutMs) {
        const servername = o.servername ?? o.host;
        return new Promise((resolve, reject) => {
            const s = tls.connect({
                host: o.host,
                port: o.port,
                ...(o.ca ? { ca: typeof o.ca === 'string' ? o.ca : [...o.ca] } : {}),
                ...(/^[\d.]+$|:/.test(servername) ? {} : { servername }),
                minVersion: 'TLSv1.2',
            });
            const timer = setTimeout(() => s.destroy(new Error(`no TLS handshake within ${timeoutMs} ms`)), timeoutMs);
            s.once('secureConnect', () => {
                clearTimeout(timer);
                resolve(new SipConnection(s));
            });
            s.once('error', (e) => {
                clearTimeout(timer);
                reject(new ServerError('ERR_SERVER_SIP_TRANSPORT', `SIP registrar ${o.host}:${o.port}: ${e.message}${/self.signed|unable to (get|verify)|certificate/i.test(e.message) ? ' (pass the pool CA as `ca`)' : ''}`, { field: 'ca', cause: e }));
            });
        });
    }
    async exchange(message, timeoutMs) {
        this.socket.write(message);
        const deadline = Date.now() + timeoutMs;
        for (;;) {
            const m = this.queue.shift();
            if (m) {
                if (m.status !== undefined)
                    return m;
                continue; // a request from the registrar: not expected here
            }
            if (this.failure)
                throw this.failure;
            const left = deadline - Date.now();
            if (left <= 0)
                throw new ServerError('ERR_SERVER_SIP_TRANSPORT', `SIP registrar: no response within ${timeoutMs} ms`);
            await new Promise((r) => {
                const t = setTimeout(r, left);
                this.wake = () => {
                    clearTimeout(t);
                    r();
                };
            });
        }
    }
    close() {
        this.socket.destroy();
    }
}
const serialize = (m) => Buffer.from([`${m.method} ${m.requestUri} SIP/2.0`, ...m.headers.map((h) => `${h.name}: ${h.value}`), 'Content-Length: 0', '', ''].join('\r\n'), 'latin1');
function tlsDskHeader(m, name) {
    for (const v of headers(m, name)) {
        if (!/^\s*TLS-DSK(\s|$)/i.test(v))
            continue;
        try {
            return parseAuthHeader(v);
        }
        catch (e) {
            throw new ServerError('ERR_SERVER_SIP_REGISTER', `SIP ${m.status} ${name}: ${e.message}`, { field: name, cause: e });
        }
    }
    return undefined;
}
const refusal = (step, m) => new ServerError('ERR_SERVER_SIP_REGISTER', `${step}: expected ${step.startsWith('signed') ? '200 OK' : '401 with a TLS-DSK challenge'}, received ${m.status} ${m.reason ?? ''}${header(m, 'Warning') ? ` (${header(m, 'Warning')})` : ''}`);
/**
 * Register `sipUri` with a SIP registrar that authenticates with TLS-DSK ([MS-SIPAE] 3.2.5), such as
 * `ocauth-server --sip-port` or a Lync / Skype for Business front end. The TLS-DSK legs are run by
 * `options.tlsDsk` (through the Authentication Broker, or a local TLS-DSK client with the user's
 * certificate); the final REGISTER is signed with the client signing key and the 200 OK's rspauth is
 * verified with the server signing key before this resolves.
 *
 * @throws {ServerError} ERR_SERVER_SIP_TRANSPORT when the registrar cannot be reached, its TLS certificate is not trusted (`ca`), or it does not answer in time
 * @throws {ServerError} ERR_SERVER_SIP_REGISTER when the registrar refuses a step (no TLS-DSK challenge, a failed leg, a refused signed REGISTER)
 * @throws {ServerError} ERR_SERVER_SIP_SIGNATURE when the 200 OK is unsigned or its rspauth does not verify with the server signing key
 * @throws whatever `options.tlsDsk` throws (e.g. AuthBrokerError ERR_AUTHBROKER_NEGOTIATION)
 */
export async function registerSip(options) {
    const timeoutMs = options.timeoutMs ?? 15_000;
    if (!/^sips?:[^@\s<>;]+@[^@\s<>;]+$/i.test(options.sipUri))
        throw new ServerError('ERR_SERVER_SIP_REGISTER', `sipUri: expected sip:user@domain, received ${JSON.stringify(options.sipUri.slice(0, 80))}`, {
            field: 'sipUri',
        });
    const domain = options.sipUri.slice(options.sipUri.indexOf('@') + 1);
    const callId = randomBytes(8).toString('hex');
    const fromTag = randomBytes(4).toString('hex');
    const epid = randomBytes(5).toString('hex');
    const transcript = [];
    let cseq = 0;
    const register = (authorization) => {
        const h = [
            { name: 'Via', value: `SIP/2.0/TLS 127.0.0.1:${options.port};branch=z9hG4bK${randomBytes(6).toString('hex')}` },
            { name: 'From', value: `<${options.sipUri}>;tag=${fromTag};epid=${epid}` },
            { name: 'To', value: `<${options.sipUri}>` },
            { name: 'Max-Forwards', value: '70' },
            { name: 'CSeq', value: `${++cseq} REGISTER` },
            { name: 'Call-ID', value: callId },
            { name: 'Contact', value: '<sip:127.0.0.1;transport=tls>;methods="INVITE, MESSAGE, INFO, OPTIONS, BYE, CANCEL, NOTIFY, ACK"' },
            ...(options.expires !== undefined ? [{ name: 'Expires', value: String(options.expires) }] : []),
            { name: 'User-Agent', value: 'ocauth registerSip' },
            ...(authorization ? [{ name: 'Authorization', value: authorization }] : []),
        ];
        return { method: 'REGISTER', requestUri: `sip:${domain}`, headers: h, body: Buffer.alloc(0) };
    };
    const note = (m) => {
        const start = m.status !== undefined ? `SIP/2.0 ${m.status} ${m.reason ?? ''}` : `${m.method} ${m.requestUri}`;
        const auth = [...headers(m, 'Authorization'), ...headers(m, 'WWW-Authenticate'), ...headers(m, 'Authentication-Info')].map((v) => v.replace(/gssapi-data="([^"]{0,16})[^"]*"/g, 'gssapi-data="$1…"'));
        transcript.push([start, ...auth].join(' | '));
    };
    const conn = await SipConnection.open(options, timeoutMs);
    try {
        const send = async (m) => {
            note(m);
            const r = await conn.exchange(serialize(m), timeoutMs);
            note(r);
            return r;
        };
        // 1. REGISTER without credentials → 401 with the TLS-DSK challenge ([MS-SIPAE] 3.2.5).
        const r0 = await send(register());
        const ch = tlsDskHeader(r0, 'WWW-Authenticate');
        if (r0.status !== 401 || !ch)
            throw refusal('REGISTER without credentials', r0);
        const challenge = {
            realm: ch.params.get('realm') ?? '',
            targetname: ch.params.get('targetname') ?? '',
            stsUri: ch.params.get('sts-uri'),
            version: Number(ch.params.get('version') ?? '3'),
        };
        if (!challenge.targetname)
            throw new ServerError('ERR_SERVER_SIP_REGISTER', 'TLS-DSK challenge: expected a targetname, received none', { field: 'targetname' });
        if (challenge.version !== 3 && challenge.version !== 4)
            throw new ServerError('ERR_SERVER_SIP_REGISTER', `TLS-DSK challenge: expected version 3 or 4, received ${JSON.stringify(ch.params.get('version'))}`, {
                field: 'version',
            });
        const base = `${PROTOCOL} qop="auth", realm="${challenge.realm}", targetname="${challenge.targetname}"`;
        // 2. The TLS-DSK legs travel in gssapi-data; the registrar names the security association in opaque.
        let opaque;
        let leg = 0;
        const exchange = async (gssapiData) => {
            if (!gssapiData)
                return null;
            leg++;
            const r = await send(register(`${base}${opaque ? `, opaque="${opaque}"` : ''}, gssapi-data="${gssapiData}", version=${challenge.version}`));
            const c = tlsDskHeader(r, 'WWW-Authenticate');
            if (r.status !== 401 || !c?.params.get('opaque'))
                throw refusal(`TLS-DSK leg ${leg}`, r);
            opaque = c.params.get('opaque');
            return c.params.get('gssapi-data') || null;
        };
        const keys = await options.tlsDsk(challenge, exchange);
        if (!opaque)
            throw new ServerError('ERR_SERVER_SIP_REGISTER', 'TLS-DSK: the handshake ended without a security association (no opaque from the registrar)');
        // 3. REGISTER signed with the client signing key ([MS-SIPAE] 3.2.5.2, the buffer of the challenge's version).
        const digest = digestForCipher(keys.cipher ?? '');
        const crand = randomBytes(4).toString('hex').toUpperCase();
        const fields = { protocol: PROTOCOL, num: '1', realm: challenge.realm, targetname: challenge.targetname };
        const unsigned = register();
        const response = sign(keys.clientSigningKey, signatureBuffer(unsigned, { ...fields, rand: crand }, challenge.version), digest);
        unsigned.headers.push({
            name: 'Authorization',
            value: `${base}, opaque="${opaque}", crand="${crand}", cnum="1", response="${response}", version=${challenge.version}`,
        });
        const ok = await send(unsigned);
        if (ok.status !== 200)
            throw refusal('signed REGISTER', ok);
        // 4. The 200 OK is signed with the server signing key: only the registrar that ran the handshake can.
        const info = tlsDskHeader(ok, 'Authentication-Info');
        const rspauth = info?.params.get('rspauth');
        if (!info || !rspauth)
            throw new ServerError('ERR_SERVER_SIP_SIGNATURE', '200 OK: expected Authentication-Info: TLS-DSK … rspauth=…, received none', {
                field: 'Authentication-Info',
            });
        const buffer = signatureBuffer(ok, { ...fields, rand: info.params.get('srand') ?? '', num: info.params.get('snum') ?? '' }, challenge.version);
        if (!verifySignature(keys.serverSigningKey, buffer, rspauth, digest))
            throw new ServerError('ERR_SERVER_SIP_SIGNATURE', '200 OK: rspauth does not verify with the TLS-DSK server signing key', { field: 'rspauth' });
        const expires = Number(header(ok, 'Expires') ?? options.expires ?? 0);
        return { status: 200, expires, targetname: challenge.targetname, version: challenge.version, transcript };
    }
    finally {
        conn.close();
    }
}
//# sourceMappingURL=client.js.map