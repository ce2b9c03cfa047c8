// Shared by the loopback end-to-end tests: a self-signed signing certificate for a test Web Ticket
// Service, and a node:http server that hands each request to a web-standard handler chosen by path.
import { generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import forge from 'node-forge';

export function selfSigned(cn: string, modulusLength = 2048): { privateKey: KeyObject; certificate: X509Certificate } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength });
  const c = forge.pki.createCertificate();
  c.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  c.serialNumber = '01';
  c.validity.notBefore = new Date(Date.now() - 86400_000);
  c.validity.notAfter = new Date(Date.now() + 86400_000 * 365);
  c.setSubject([{ name: 'commonName', value: cn }]);
  c.setIssuer([{ name: 'commonName', value: cn }]);
  c.sign(forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()), forge.md.sha256.create());
  return { privateKey, certificate: new X509Certificate(forge.pki.certificateToPem(c)) };
}

export type Handler = (r: Request) => Promise<Response>;

/** HTTP on 127.0.0.1 (ephemeral port); `route(path)` picks the handler, none → 404. */
export async function serveLoopback(route: (path: string) => Handler | undefined): Promise<{ base: string; close: () => Promise<void> }> {
  let base = '';
  const toRequest = (req: IncomingMessage, body: Buffer): Request => {
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
    return new Request(`${base}${req.url}`, { method: req.method!, headers, ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body }) });
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const h = route((req.url ?? '').split('?')[0]!);
      const r = h ? await h(toRequest(req, Buffer.concat(chunks))) : new Response(null, { status: 404 });
      res.writeHead(r.status, Object.fromEntries(r.headers));
      res.end(Buffer.from(await r.arrayBuffer()));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, close: () => new Promise<void>((r) => server.close(() => r())) };
}
