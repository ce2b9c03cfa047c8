// A tiny authoritative DNS server on loopback UDP for the discovery and doctor tests. The wire format
// (RFC 1035 4.1: header, question, answer RRs; RFC 2782 SRV RDATA) is written here, by hand, sharing no
// code with the resolver under test (node:dns / c-ares).
import { createSocket, type Socket } from 'node:dgram';

export type DnsRecord = { type: 'A'; address: string } | { type: 'SRV'; priority: number; weight: number; port: number; target: string };

export interface TestDnsServer {
  /** `127.0.0.1:PORT`, for node:dns setServers. */
  server: string;
  /** Queries received, as `TYPE name`. */
  queries: string[];
  close(): Promise<void>;
}

const TYPE = { A: 1, SRV: 33 } as const;

function encodeName(name: string): Buffer {
  const parts = name.replace(/\.$/, '').split('.').filter(Boolean);
  return Buffer.concat([...parts.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p, 'ascii')])), Buffer.from([0])]);
}

/** Reads the question's QNAME (no compression in queries) → [name, offset after it]. */
function readName(msg: Buffer, off: number): [string, number] {
  const labels: string[] = [];
  for (;;) {
    const len = msg[off]!;
    if (len === 0) return [labels.join('.'), off + 1];
    labels.push(msg.subarray(off + 1, off + 1 + len).toString('ascii'));
    off += 1 + len;
  }
}

/**
 * Serve `zone` (lower-case name → records). Names in `servfail` answer SERVFAIL (RCODE 2); unknown
 * names NXDOMAIN (RCODE 3); a known name without records of the asked type NOERROR with no answer.
 */
export async function startDnsServer(zone: Record<string, DnsRecord[]>, servfail: string[] = []): Promise<TestDnsServer> {
  const sock: Socket = createSocket('udp4');
  const queries: string[] = [];
  sock.on('message', (msg, rinfo) => {
    if (msg.length < 12) return;
    const id = msg.readUInt16BE(0);
    const rd = msg.readUInt16BE(2) & 0x0100;
    const [qname, end] = readName(msg, 12);
    const qtype = msg.readUInt16BE(end);
    const question = msg.subarray(12, end + 4);
    const name = qname.toLowerCase();
    queries.push(`${qtype === TYPE.SRV ? 'SRV' : qtype === TYPE.A ? 'A' : qtype} ${name}`);
    const records = zone[name];
    const rcode = servfail.includes(name) ? 2 : records === undefined ? 3 : 0;
    const answers = (records ?? [])
      .filter((r) => TYPE[r.type] === qtype)
      .map((r) => {
        const rdata =
          r.type === 'A'
            ? Buffer.from(r.address.split('.').map(Number))
            : Buffer.concat([Buffer.from([r.priority >> 8, r.priority & 255, r.weight >> 8, r.weight & 255, r.port >> 8, r.port & 255]), encodeName(r.target)]);
        const head = Buffer.alloc(12);
        head.writeUInt16BE(0xc00c, 0); // pointer to the question's name
        head.writeUInt16BE(TYPE[r.type], 2);
        head.writeUInt16BE(1, 4); // IN
        head.writeUInt32BE(60, 6);
        head.writeUInt16BE(rdata.length, 10);
        return Buffer.concat([head, rdata]);
      });
    const header = Buffer.alloc(12);
    header.writeUInt16BE(id, 0);
    header.writeUInt16BE(0x8000 | 0x0400 | rd | 0x0080 | rcode, 2); // QR, AA, RD (copied), RA, RCODE
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    sock.send(Buffer.concat([header, question, ...answers]), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  return { server: `127.0.0.1:${sock.address().port}`, queries, close: () => new Promise<void>((r) => sock.close(() => r())) };
}
