// A laboratory SIP-over-TLS registrar ([MS-SIPAE] TLS-DSK) sharing the reference server's store: real
// SIP clients (pidgin-sipe, Lync) obtain their certificate from CertProv (MS-OCAUTHWS 3.1) and prove
// it here. REGISTER without credentials → 401 TLS-DSK challenge (sts-uri = CertProv); the TLS
// handshake runs inside gssapi-data (TlsDskRegistrarPeer); the client certificate must be one CertProv
// issued and published for the From URI, unrevoked; the final REGISTER is signed with the client key
// and answered with a 200 OK signed with the server key. Behaviour follows what pidgin-sipe does
// (sip-transport.c, sipe-sign.c, sip-sec-tls-dsk.c); it registers nothing beyond answering REGISTER.
import { randomBytes } from 'node:crypto';
import tls from 'node:tls';
import { TlsDskError, TlsDskRegistrarPeer } from '@ocauth/authbroker';
import { errorFields } from '../logger.js';
import { addressOf, formatResponse, header, headers, SipMessageError, SipStreamParser, tagOf } from './message.js';
import { digestForCipher, parseAuthHeader, sign, signatureBuffer, verifySignature } from './signature.js';
export const SIP_REALM = 'SIP Communications Service';
const PROTOCOL = 'TLS-DSK';
/** Why a REGISTER was refused: the SIP status and a reason for the Warning header and the log. */
class Refusal extends Error {
    status;
    reason;
    code;
    challenge;
    constructor(status, reason, code, 
    /** Send a fresh TLS-DSK challenge with the refusal (401). */
    challenge = status === 401) {
        super(reason);
        this.status = status;
        this.reason = reason;
        this.code = code;
        this.challenge = challenge;
    }
}
const REASONS = {
    200: 'OK',
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    405: 'Method Not Allowed',
    500: 'Server Internal Error',
    501: 'Not Implemented',
    503: 'Service Unavailable',
    513: 'Message Too Large',
};
/** TLS version the client offers in its ClientHello (record → handshake type 1 → client_version). */
function clientHelloVersion(gssapi) {
    const b = Buffer.from(gssapi, 'base64');
    if (b.length < 11 || b[0] !== 22 || b[1] !== 3 || b[5] !== 1)
        return undefined;
    return (b[9] << 8) | b[10];
}
export async function startSipRegistrar(o) {
    const log = o.logger;
    const sas = new Map();
    const maxHandshakes = o.maxHandshakes ?? 256;
    const maxAssociations = o.maxAssociations ?? 4096;
    const handshakeTimeoutMs = o.handshakeTimeoutMs ?? 60_000;
    const registrationSeconds = o.registrationSeconds ?? 7200;
    const credential = { certificate: o.certificatePem, privateKey: o.privateKeyPem };
    const maxPerConnection = o.maxHandshakesPerConnection ?? 4;
    const drop = (sa) => {
        sas.delete(sa.opaque);
        sa.peer?.destroy();
        sa.peer = undefined;
    };
    const sweep = () => {
        const now = Date.now();
        for (const sa of sas.values())
            if (sa.deadline <= now && !sa.busy)
                drop(sa);
    };
    const sweeper = setInterval(sweep, 10_000);
    sweeper.unref();
    const challenge = () => `${PROTOCOL} realm="${SIP_REALM}", targetname="${o.fqdn}", sts-uri="${o.stsUri()}", version=4`;
    const legChallenge = (sa, gssapi) => `${PROTOCOL} opaque="${sa.opaque}", gssapi-data="${gssapi}", targetname="${o.fqdn}", realm="${SIP_REALM}", version=${sa.version}`;
    function baseHeaders(req, toTag) {
        const to = header(req, 'To') ?? '';
        const h = headers(req, 'Via').map((v) => ({ name: 'Via', value: v }));
        h.push({ name: 'From', value: header(req, 'From') ?? '' });
        h.push({ name: 'To', value: tagOf(to) || !to ? to : `${to};tag=${toTag}` });
        h.push({ name: 'Call-ID', value: header(req, 'Call-ID') ?? '' });
        h.push({ name: 'CSeq', value: header(req, 'CSeq') ?? '' });
        return h;
    }
    function refusalResponse(req, r, toTag) {
        const h = baseHeaders(req, toTag);
        if (r.challenge)
            h.push({ name: 'WWW-Authenticate', value: challenge() });
        h.push({ name: 'Warning', value: `399 ${o.fqdn} "${r.reason.replace(/["\\\r\n]/g, "'")}"` });
        if (r.status === 503)
            h.push({ name: 'Retry-After', value: '5' });
        h.push({ name: 'Server', value: 'ocauth-registrar' });
        return formatResponse(r.status, REASONS[r.status] ?? 'Error', h);
    }
    async function register(req, toTag, connection) {
        const fromUri = addressOf(header(req, 'From')).toLowerCase();
        for (const n of ['From', 'To', 'Call-ID', 'CSeq', 'Via'])
            if (!header(req, n))
                throw new Refusal(400, `${n}: expected the header, received none`, 'ERR_SIP_MISSING_HEADER', false);
        if (!/^sip:[^@\s;>]+@[^@\s;>]+$/.test(fromUri))
            throw new Refusal(400, `From: expected a sip:user@domain URI, received ${JSON.stringify(fromUri.slice(0, 80))}`, 'ERR_SIP_FROM', false);
        const cseq = header(req, 'CSeq');
        if (!/^\d{1,10} REGISTER$/i.test(cseq))
            throw new Refusal(400, `CSeq: expected "<number> REGISTER", received ${JSON.stringify(cseq.slice(0, 40))}`, 'ERR_SIP_CSEQ', false);
        const authValue = header(req, 'Authorization');
        if (!authValue)
            throw new Refusal(401, 'TLS-DSK authentication required', 'SIP_CHALLENGE');
        let auth;
        try {
            auth = parseAuthHeader(authValue);
        }
        catch (e) {
            throw new Refusal(401, e.message, 'ERR_SIP_AUTH_HEADER');
        }
        if (auth.scheme.toUpperCase() !== PROTOCOL)
            throw new Refusal(401, `Authorization: expected scheme TLS-DSK, received ${JSON.stringify(auth.scheme.slice(0, 20))}`, 'ERR_SIP_AUTH_SCHEME');
        const p = auth.params;
        if (p.get('realm') !== SIP_REALM)
            throw new Refusal(401, `Authorization realm: expected "${SIP_REALM}", received ${JSON.stringify(p.get('realm')?.slice(0, 60) ?? null)}`, 'ERR_SIP_AUTH_REALM');
        if ((p.get('targetname') ?? '').toLowerCase() !== o.fqdn)
            throw new Refusal(401, `Authorization targetname: expected "${o.fqdn}", received ${JSON.stringify(p.get('targetname')?.slice(0, 60) ?? null)}`, 'ERR_SIP_AUTH_TARGET');
        const opaque = p.get('opaque');
        const gssapi = p.get('gssapi-data');
        if (gssapi !== undefined && gssapi.length > 64 * 1024)
            throw new Refusal(401, `gssapi-data: expected at most 65536 characters, received ${gssapi.length}`, 'ERR_SIP_GSSAPI_SIZE');
        if (opaque === undefined) {
            // First leg: a ClientHello starts a new security association ([MS-SIPAE] 3.2.5).
            if (!gssapi)
                throw new Refusal(401, 'gssapi-data: expected the TLS ClientHello, received none', 'ERR_SIP_GSSAPI_MISSING');
            const v = clientHelloVersion(gssapi);
            if (v === undefined)
                throw new Refusal(401, 'gssapi-data: expected a TLS ClientHello record, received something else', 'ERR_SIP_GSSAPI_NOT_HELLO');
            sweep();
            let pending = 0;
            let mine = 0;
            for (const sa of sas.values()) {
                if (sa.state !== 'handshake')
                    continue;
                pending++;
                if (sa.connection === connection)
                    mine++;
            }
            if (pending >= maxHandshakes)
                throw new Refusal(503, `TLS-DSK handshakes in progress: at most ${maxHandshakes}, try again later`, 'ERR_SIP_BUSY', false);
            if (mine >= maxPerConnection)
                throw new Refusal(503, `TLS-DSK handshakes in progress on this connection: at most ${maxPerConnection}`, 'ERR_SIP_BUSY_CONNECTION', false);
            const versionParam = Number(p.get('version') ?? '4');
            const sa = {
                opaque: randomBytes(16).toString('hex').toUpperCase(),
                connection,
                state: 'handshake',
                // TLS 1.2 where the client offers it, else TLS 1.0 (what SIPE offers for version 3/4).
                peer: new TlsDskRegistrarPeer({ credential, trustedClientCertificates: [o.clientCaPem], protocol: v >= 0x0303 ? 'TLSv1.2' : 'TLSv1' }),
                busy: true,
                deadline: Date.now() + handshakeTimeoutMs,
                version: Number.isInteger(versionParam) && versionParam >= 3 && versionParam <= 4 ? versionParam : 4,
                lastCnum: 0,
                snum: 0,
            };
            sas.set(sa.opaque, sa);
            try {
                const r = await sa.peer.respond(gssapi);
                return formatResponse(401, 'Unauthorized', [
                    ...baseHeaders(req, toTag),
                    { name: 'WWW-Authenticate', value: legChallenge(sa, r.gssapiData) },
                    { name: 'Server', value: 'ocauth-registrar' },
                ]);
            }
            catch (e) {
                drop(sa);
                throw new Refusal(401, `TLS-DSK handshake failed: ${e instanceof TlsDskError ? e.message : 'internal error'}`, e instanceof TlsDskError ? e.code : 'ERR_SIP_TLSDSK');
            }
            finally {
                sa.busy = false;
            }
        }
        const sa = sas.get(opaque);
        if (!sa || sa.deadline <= Date.now()) {
            if (sa && !sa.busy)
                drop(sa);
            throw new Refusal(401, 'opaque: expected a security association of this registrar, received an unknown or expired one', 'ERR_SIP_SA_UNKNOWN');
        }
        if (sa.busy)
            throw new Refusal(401, 'security association: a previous leg is still being processed', 'ERR_SIP_SA_BUSY');
        if (sa.state === 'handshake') {
            if (!gssapi)
                throw new Refusal(401, 'gssapi-data: expected the client flight (certificate … finished), received none', 'ERR_SIP_GSSAPI_MISSING');
            sa.busy = true;
            try {
                let r;
                try {
                    r = await sa.peer.respond(gssapi);
                }
                catch (e) {
                    throw new Refusal(401, `TLS-DSK handshake failed: ${e instanceof TlsDskError ? e.message : 'internal error'}`, e instanceof TlsDskError ? e.code : 'ERR_SIP_TLSDSK');
                }
                if (!r.done || !r.keys || !r.clientCertificate)
                    throw new Refusal(401, 'TLS-DSK handshake: expected the client flight to complete it, received an incomplete flight', 'ERR_SIP_TLSDSK_INCOMPLETE');
                const cert = r.clientCertificate;
                const known = await o.certificateValidator.validate(cert);
                if (!known)
                    throw new Refusal(401, `client certificate ${cert.serialNumber}: expected one issued and published by this pool's CertProv and not revoked, received an unknown, revoked or expired one`, 'ERR_SIP_CERT_UNKNOWN');
                if (known.sipUri.toLowerCase() !== fromUri)
                    throw new Refusal(403, `client certificate: issued for ${known.sipUri}, but the REGISTER is from ${fromUri}`, 'ERR_SIP_CERT_URI', false);
                if (!(await o.userEnabled(known.sipUri)))
                    throw new Refusal(403, `${known.sipUri}: expected an enabled user, received an unknown or disabled one`, 'ERR_SIP_USER_DISABLED', false);
                sa.state = 'established';
                sa.keys = r.keys;
                sa.digest = digestForCipher(r.keys.cipher);
                sa.sipUri = known.sipUri.toLowerCase();
                sa.serial = cert.serialNumber;
                sa.peer = undefined;
                // [MS-SIPAE] 3.2.2: the SA lives at most until the certificate expires, and at most 8 hours.
                sa.deadline = Math.min(Date.now() + 8 * 3600_000, Date.parse(cert.validTo));
                for (const other of sas.values()) {
                    if (sas.size <= maxAssociations)
                        break;
                    if (other.state === 'established' && other !== sa)
                        drop(other);
                }
                log({
                    level: 'info',
                    msg: 'sip tls-dsk handshake complete',
                    sipUri: sa.sipUri,
                    certificateSerial: sa.serial,
                    protocol: r.keys.protocol,
                    cipher: r.keys.cipher,
                });
                return formatResponse(401, 'Unauthorized', [
                    ...baseHeaders(req, toTag),
                    { name: 'WWW-Authenticate', value: legChallenge(sa, r.gssapiData) },
                    { name: 'Server', value: 'ocauth-registrar' },
                ]);
            }
            catch (e) {
                drop(sa);
                throw e;
            }
            finally {
                sa.busy = false;
            }
        }
        // Established: the REGISTER is signed with the client signing key ([MS-SIPAE] 3.2.5.2, version 4).
        const crand = p.get('crand');
        const cnum = p.get('cnum');
        const response = p.get('response');
        if (!crand || !cnum || !response)
            throw new Refusal(401, 'Authorization: expected crand, cnum and response (a signed REGISTER), received none', 'ERR_SIP_UNSIGNED');
        if (!/^[0-9a-fA-F]{1,16}$/.test(crand) || !/^\d{1,10}$/.test(cnum))
            throw new Refusal(401, `crand/cnum: expected hex and a decimal counter, received ${JSON.stringify(crand.slice(0, 20))}/${JSON.stringify(cnum.slice(0, 12))}`, 'ERR_SIP_SIGNATURE_FIELDS');
        const buffer = signatureBuffer(req, { protocol: PROTOCOL, rand: crand, num: cnum, realm: SIP_REALM, targetname: o.fqdn }, sa.version);
        if (!o.skipSignatureCheck && !verifySignature(sa.keys.clientSigningKey, buffer, response, sa.digest))
            throw new Refusal(401, 'response: the message signature does not verify with the client signing key', 'ERR_SIP_BAD_SIGNATURE');
        if (Number(cnum) <= sa.lastCnum)
            throw new Refusal(401, `cnum: expected more than ${sa.lastCnum} (replay protection), received ${cnum}`, 'ERR_SIP_REPLAY');
        sa.lastCnum = Number(cnum);
        if (sa.sipUri !== fromUri)
            throw new Refusal(403, `From: the security association belongs to ${sa.sipUri}, the REGISTER is from ${fromUri}`, 'ERR_SIP_SA_URI', false);
        const reqExpires = header(req, 'Expires');
        const expires = reqExpires !== undefined && /^\d+$/.test(reqExpires) ? Math.min(Number(reqExpires), registrationSeconds) : registrationSeconds;
        const h = baseHeaders(req, toTag);
        for (const c of headers(req, 'Contact'))
            h.push({ name: 'Contact', value: `${c};expires=${expires}` });
        h.push({ name: 'Expires', value: String(expires) });
        h.push({ name: 'Server', value: 'ocauth-registrar' });
        const resp = { status: 200, reason: 'OK', headers: h, body: Buffer.alloc(0) };
        const srand = randomBytes(4).toString('hex').toUpperCase();
        const snum = String(++sa.snum);
        const rspauth = sign(sa.keys.serverSigningKey, signatureBuffer(resp, { protocol: PROTOCOL, rand: srand, num: snum, realm: SIP_REALM, targetname: o.fqdn }, sa.version), sa.digest);
        h.push({
            name: 'Authentication-Info',
            value: `${PROTOCOL} qop="auth", opaque="${sa.opaque}", srand="${srand}", snum="${snum}", rspauth="${rspauth}", targetname="${o.fqdn}", realm="${SIP_REALM}", version=${sa.version}`,
        });
        log({ level: 'info', msg: 'sip registered', sipUri: sa.sipUri, certificateSerial: sa.serial, expires });
        return formatResponse(200, 'OK', h);
    }
    async function handle(req, connection) {
        if (req.method === undefined)
            return undefined; // responses to nothing we sent
        const toTag = randomBytes(6).toString('hex');
        if (req.method === 'ACK')
            return undefined;
        if (req.method !== 'REGISTER') {
            const h = baseHeaders(req, toTag);
            h.push({ name: 'Server', value: 'ocauth-registrar' });
            return formatResponse(501, 'Not Implemented', h);
        }
        try {
            return await register(req, toTag, connection);
        }
        catch (e) {
            const r = e instanceof Refusal ? e : new Refusal(500, 'internal error', 'ERR_SIP_INTERNAL', false);
            if (!(e instanceof Refusal))
                log({ level: 'error', msg: 'sip registrar internal error', ...errorFields(e) });
            log({
                level: r.code === 'SIP_CHALLENGE' ? 'info' : 'warn',
                msg: r.code === 'SIP_CHALLENGE' ? 'sip register challenged' : 'sip register refused',
                status: r.status,
                code: r.code,
                reason: r.reason.slice(0, 300),
                from: addressOf(header(req, 'From')).slice(0, 120),
            });
            return refusalResponse(req, r, toTag);
        }
    }
    const sockets = new Set();
    let connections = 0;
    const server = tls.createServer({ key: o.privateKeyPem, cert: o.certificatePem, minVersion: 'TLSv1.2' }, (socket) => {
        const connection = ++connections;
        sockets.add(socket);
        socket.on('close', () => {
            sockets.delete(socket);
            // Handshakes in progress end with their connection (established associations outlive it).
            for (const sa of sas.values())
                if (sa.connection === connection && sa.state === 'handshake' && !sa.busy)
                    drop(sa);
        });
        const parser = new SipStreamParser({ maxHeaderBytes: o.maxHeaderBytes, maxBodyBytes: o.maxBodyBytes });
        let chain = Promise.resolve();
        let queued = 0;
        socket.setTimeout(o.idleTimeoutMs ?? 300_000, () => socket.destroy());
        socket.on('error', () => { });
        const fail = (status, reason) => {
            log({ level: 'warn', msg: 'sip connection refused', status, reason: reason.slice(0, 200) });
            if (socket.writable)
                socket.end(formatResponse(status, REASONS[status] ?? 'Error', [{ name: 'Warning', value: `399 ${o.fqdn} "${reason.replace(/["\\\r\n]/g, "'")}"` }]));
            else
                socket.destroy();
        };
        socket.on('data', (chunk) => {
            if (socket.destroyed || socket.writableEnded)
                return;
            parser.push(chunk);
            for (;;) {
                let msg;
                try {
                    msg = parser.next();
                }
                catch (e) {
                    const err = e;
                    fail(err instanceof SipMessageError ? err.status : 400, err.message);
                    return;
                }
                if (!msg)
                    break;
                if (++queued > 16) {
                    fail(503, 'too many requests in flight on this connection');
                    return;
                }
                const m = msg;
                chain = chain.then(async () => {
                    const out = await handle(m, connection).catch(() => undefined);
                    queued--;
                    if (out && socket.writable)
                        socket.write(out);
                });
            }
        });
    });
    server.maxConnections = o.maxConnections ?? 1024;
    server.on('tlsClientError', (err) => log({ level: 'debug', msg: 'sip tls client error', code: err.code ?? 'unknown' }));
    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(o.port, o.host, () => {
            server.off('error', reject);
            resolve();
        });
    });
    const port = server.address().port;
    log({ level: 'info', msg: 'sip registrar listening', host: o.host, port, fqdn: o.fqdn, transport: 'tls' });
    return {
        port,
        close: () => new Promise((resolve) => {
            clearInterval(sweeper);
            for (const sa of [...sas.values()])
                drop(sa);
            server.close(() => resolve());
            // Node 20's tls.Server has no closeAllConnections: end the open sockets ourselves.
            for (const s of sockets)
                s.destroy();
        }),
    };
}
//# sourceMappingURL=registrar.js.map