// Crash-safe file replacement: write a temporary file, fsync it, rename over the target, fsync the
// directory. A reader (or a restart after kill -9) sees the old or the new content, never a torn one.
import { closeSync, fsyncSync, openSync, renameSync, writeSync, unlinkSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
export function atomicWriteFileSync(path, data, mode = 0o600) {
    const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    const fd = openSync(tmp, 'w', mode);
    try {
        let off = 0;
        while (off < buf.length)
            off += writeSync(fd, buf, off, buf.length - off);
        fsyncSync(fd);
    }
    catch (e) {
        closeSync(fd);
        try {
            unlinkSync(tmp);
        }
        catch {
            /* already gone */
        }
        throw e;
    }
    closeSync(fd);
    renameSync(tmp, path);
    try {
        const dfd = openSync(dirname(path), 'r');
        try {
            fsyncSync(dfd);
        }
        finally {
            closeSync(dfd);
        }
    }
    catch {
        /* directories cannot be fsynced on some platforms */
    }
}
/** Alias of atomicWriteFileSync (name used by the stores). */
export const writeFileAtomic = (path, data, mode = 0o600) => atomicWriteFileSync(path, data, mode);
/** Asynchronous atomicWriteFileSync (same steps: temp file, fsync, rename, directory fsync), off the event loop. */
export async function atomicWriteFile(path, data, mode = 0o600) {
    const { open, rename, unlink } = await import('node:fs/promises');
    const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`);
    const fh = await open(tmp, 'w', mode);
    try {
        await fh.writeFile(data);
        await fh.sync();
    }
    catch (e) {
        await fh.close().catch(() => { });
        await unlink(tmp).catch(() => { });
        throw e;
    }
    await fh.close();
    await rename(tmp, path);
    try {
        const dh = await open(dirname(path), 'r');
        try {
            await dh.sync();
        }
        finally {
            await dh.close();
        }
    }
    catch {
        /* directories cannot be fsynced on some platforms */
    }
}
//# sourceMappingURL=atomic-file.js.map