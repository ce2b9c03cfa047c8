export interface LogEntry {
    level: 'debug' | 'info' | 'warn' | 'error';
    msg: string;
    [field: string]: unknown;
}
/** Receives every log entry of the server (default: one JSON line per entry on stderr). */
export type Logger = (entry: LogEntry) => void;
/** Copy of `entry` with secret-looking fields replaced by "[redacted]" (one level deep). */
export declare function redact(entry: LogEntry): LogEntry;
export declare const stderrLogger: Logger;
export declare const silentLogger: Logger;
/** Error summary safe for logs: class name, code and a truncated message; never the stack's locals. */
export declare function errorFields(e: unknown): Record<string, unknown>;
//# sourceMappingURL=logger.d.ts.map