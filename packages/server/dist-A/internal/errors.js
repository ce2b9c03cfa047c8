// The one error model of @ocauth/server (issue 19 item 4): ServerError with a closed ServerErrorCode.
/** Base class of every error @ocauth/server throws: a stable `code`, the offending `field` when there is one, and the underlying `cause`. */
export class ServerError extends Error {
    code;
    field;
    /** @throws never */
    constructor(code, message, options = {}) {
        super(message, options.cause === undefined ? undefined : { cause: options.cause });
        this.name = 'ServerError';
        this.code = code;
        this.field = options.field;
    }
}
/** A ServerConfig value is invalid; `field` is its path (e.g. `limits.maxBodyBytes`). Code ERR_SERVER_CONFIG. */
export class ServerConfigError extends ServerError {
    /** `field` defaults to the path the message starts with (`limits.maxBodyBytes: expected …`). @throws never */
    constructor(message, options = {}) {
        const field = options.field ?? /^([\w.]+):/.exec(message)?.[1];
        super('ERR_SERVER_CONFIG', message, { ...(field === undefined ? {} : { field }), ...(options.cause === undefined ? {} : { cause: options.cause }) });
        this.name = 'ServerConfigError';
    }
}
//# sourceMappingURL=errors.js.map