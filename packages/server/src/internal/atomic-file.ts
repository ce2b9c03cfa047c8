// Crash-safe file replacement: write a temporary file, fsync it, rename over the target, fsync the
// directory. A reader (or a restart after kill -9) sees the old or the new content, never a torn one.
import { closeSync, fsyncSync, openSync, renameSync, writeSync, unlinkSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';

export function atomicWriteFileSync(path: string, data: Uint8Array | string, mode = 0o600): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  const fd = openSync(tmp, 'w', mode);
  try {
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    try { unlinkSync(tmp); } catch { /* already gone */ }
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
  try {
    const dfd = openSync(dirname(path), 'r');
    try { fsyncSync(dfd); } finally { closeSync(dfd); }
  } catch {
    /* directories cannot be fsynced on some platforms */
  }
}

/** Alias of atomicWriteFileSync (name used by the stores). */
export const writeFileAtomic = (path: string, data: Uint8Array | string, mode = 0o600): void => atomicWriteFileSync(path, data, mode);
