/** One structured log line (JSON). Never carries PINs, passwords, keys, tickets or request bodies. */
export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  msg: string;
  [field: string]: unknown;
}
export type ServerLogger = (entry: LogEntry) => void;

export const stderrLogger: ServerLogger = (e) => {
  process.stderr.write(JSON.stringify({ time: new Date().toISOString(), ...e }) + '\n');
};

/** Describe an error for a log line: name, code and message only (no stack, no cause payloads). */
export function errorFields(e: unknown): Record<string, unknown> {
  if (e instanceof Error) return { error: e.name, ...((e as { code?: unknown }).code !== undefined ? { code: (e as { code?: unknown }).code } : {}), message: e.message.slice(0, 500) };
  return { error: typeof e };
}
