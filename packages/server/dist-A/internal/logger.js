// Structured JSON logs. Entries are plain objects; secrets never go in (callers log ids, paths,
// statuses and error codes only) and `redact` strips well-known secret field names defensively.
const SECRET_FIELDS = /^(pin|password|passwd|secret|entropy|proofkey|proof_key|privatekey|private_key|key|authorization|ticket|webticket|cookie)$/i;
/** Copy of `entry` with secret-looking fields replaced by "[redacted]" (one level deep). */
export function redact(entry) {
    const out = { level: entry.level, msg: entry.msg };
    for (const [k, v] of Object.entries(entry)) {
        if (k === 'level' || k === 'msg')
            continue;
        out[k] = SECRET_FIELDS.test(k) ? '[redacted]' : v;
    }
    return out;
}
export const stderrLogger = (entry) => {
    process.stderr.write(JSON.stringify({ time: new Date().toISOString(), ...entry }) + '\n');
};
export const silentLogger = () => { };
/** Error summary safe for logs: class name, code and a truncated message; never the stack's locals. */
export function errorFields(e) {
    if (e instanceof Error) {
        const code = e.code;
        return { error: e.name, ...(typeof code === 'string' ? { code } : {}), message: e.message.slice(0, 300) };
    }
    return { error: typeof e };
}
//# sourceMappingURL=logger.js.map