import { Duplex } from 'node:stream';
import { scanRecords, type TlsRecord } from './tls-records.js';

/**
 * The "wire" under an in-memory TLS endpoint: bytes the TLS engine writes are collected in `out`
 * (drained with `take()`); bytes received from the peer are injected with `feed()`.
 */
export class MemoryDuplex extends Duplex {
  private out: Buffer[] = [];
  private outBytes = 0;
  /** The records of `out`, scanned once per change of it (settle() asks after every tick). */
  private scanned: TlsRecord[] | undefined;
  /** Called after every write of the TLS engine. */
  onWrite: (() => void) | undefined;

  override _read(): void {}

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.out.push(Buffer.from(chunk));
    this.outBytes += chunk.length;
    this.scanned = undefined;
    cb();
    this.onWrite?.();
  }

  override _final(cb: (err?: Error | null) => void): void {
    cb();
  }

  get pending(): number {
    return this.outBytes;
  }

  /** Everything written so far, without draining. */
  peek(): Buffer {
    return Buffer.concat(this.out);
  }

  /** The complete TLS records written so far, without draining. */
  records(): TlsRecord[] {
    this.scanned ??= scanRecords(this.peek()).records;
    return this.scanned;
  }

  drain(): Buffer {
    const b = Buffer.concat(this.out);
    this.out = [];
    this.outBytes = 0;
    this.scanned = undefined;
    return b;
  }

  feed(bytes: Uint8Array): void {
    this.push(Buffer.from(bytes));
  }
}

/**
 * Destroy a TLS endpoint and its wire. The TLS engine's last write to the wire completed synchronously, so
 * its stream callback is still queued for the next tick; destroying the wire before it runs makes Node's
 * stream machinery build an ERR_STREAM_DESTROYED error (with a captured stack) nobody reads. Destruction
 * therefore waits for that tick when a write is pending; nothing can be fed in between (callers mark the
 * endpoint done or failed first).
 */
export function destroyEndpoint(socket: { destroy(): unknown; destroyed: boolean }, wire: MemoryDuplex): void {
  const now = () => {
    if (!socket.destroyed) socket.destroy();
    wire.destroy();
  };
  if ((wire as unknown as { _writableState?: { pendingcb?: number } })._writableState?.pendingcb) process.nextTick(now);
  else now();
}

/**
 * Wait until `done()` holds, or until nothing moved (no new output, no event) for `quietRounds`
 * consecutive macrotask turns. TLS processing in Node is synchronous once bytes reach OpenSSL, so
 * a few quiet turns mean the engine is waiting for more input.
 */
export async function settle(done: () => boolean, progress: () => number, quietRounds = 6): Promise<void> {
  // Most TLS work completes synchronously or within the microtask/nextTick queues: look there first,
  // a macrotask turn costs more than the check.
  for (let i = 0; i < 4; i++) {
    if (done()) return;
    await new Promise<void>((r) => process.nextTick(r));
  }
  let last = -1;
  let quiet = 0;
  for (let i = 0; i < 10_000; i++) {
    if (done()) return;
    await new Promise<void>((r) => setImmediate(r));
    const p = progress();
    if (p === last) {
      if (++quiet >= quietRounds) return;
    } else {
      quiet = 0;
      last = p;
    }
  }
}
