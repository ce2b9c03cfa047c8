// Proof with a real client: Debian's pidgin-sipe (libsipe, prpl-sipe) signs in through ocauth-server.
// testing/sipe/sipe-signon.c is a headless libpurple client (exit 0 only when libpurple's "signed-on"
// fires); testing/sipe/lab.sh starts `ocauth-server --sip-port 0` and runs it, inside a network
// namespace with loopback only (`unshare -rnm`) when the kernel allows it, where the system CA
// directory is hidden so libpurple trusts ONLY the ocauth CA (added with
// purple_certificate_add_ca_search_path); no certificate prompt is ever accepted.
//
// SIPE's whole sign-in runs unmodified on the wire: REGISTER → 401 TLS-DSK challenge → CertProv MEX
// → Web Ticket MEX → WebTicketServiceWinNegotiate (NTLM) → GetAndPublishCert → TLS-DSK legs in
// gssapi-data → signed REGISTER → signed 200 OK.
//
// Client-side workaround (LD_PRELOAD, testing/sipe/sax1-shim.c): Debian 12's libsipe 1.25.0 hands
// libxml2's xmlSAXUserParseMemory() SAX1 callbacks in a handler marked XML_SAX2_MAGIC, so with
// Debian 12's libxml2 2.9.14 it parses no XML at all (no MEX, no ticket, no certificate). The shim
// passes libxml2 a SAX1-marked copy of that handler; the bytes SIPE sends and receives are unchanged.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const LIBSIPE = ['/usr/lib/purple-2/libsipe.so', '/usr/lib/x86_64-linux-gnu/purple-2/libsipe.so', '/usr/lib/aarch64-linux-gnu/purple-2/libsipe.so'];

function missing(): string | undefined {
  if (!LIBSIPE.some((p) => existsSync(p))) return 'libsipe (Debian package pidgin-sipe) is not installed';
  if (spawnSync('pkg-config', ['--exists', 'purple', 'glib-2.0', 'libxml-2.0']).status !== 0)
    return 'pkg-config cannot find purple/glib-2.0/libxml-2.0 (libpurple-dev, libglib2.0-dev, libxml2-dev)';
  if (spawnSync('cc', ['--version'], { stdio: 'ignore' }).error) return 'no C compiler (gcc)';
  return undefined;
}
const why = missing();
if (why && process.env.CI === 'true')
  throw new Error(`pidgin-sipe sign-in test: ${why}; .ci/run must install pidgin-sipe libpurple-dev libglib2.0-dev pkg-config gcc (CI=true)`);
if (why) console.warn(`pidgin-sipe sign-in test skipped: ${why}`);

/** ocauth-server runs from packages/server/dist: rebuild it when a source file is newer. */
function ensureServerBuilt(): void {
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce(
      (m, e) => Math.max(m, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs),
      0,
    );
  const cli = join(repo, 'packages/server/dist/cli.js');
  if (existsSync(cli) && statSync(cli).mtimeMs >= newest(join(repo, 'packages/server/src'))) return;
  execFileSync(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', join(repo, 'packages/server/tsconfig.json')], { stdio: 'inherit' });
}

const work = mkdtempSync(join(tmpdir(), 'ocauth-sipe-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(why !== undefined)('pidgin-sipe signs in through ocauth-server (WebTicket/NTLM → GetAndPublishCert → TLS-DSK → REGISTER)', () => {
  it('SIPE logs signed-on; the server logs the ticket, the certificate and the TLS-DSK completion', () => {
    ensureServerBuilt();
    const build = join(work, 'build');
    execFileSync('bash', [join(repo, 'testing/sipe/build.sh'), build], { stdio: ['ignore', 'ignore', 'inherit'] });
    const out = join(work, 'run');
    const isolated = spawnSync('unshare', ['-rnm', 'true']).status === 0;
    if (!isolated)
      console.warn(
        'unshare -rnm is not allowed here: pidgin-sipe runs in the host network namespace (loopback addresses only) with the system CA directory visible to libpurple',
      );
    const lab = [join(repo, 'testing/sipe/lab.sh'), out, build, repo, ...(isolated ? ['--isolate'] : [])];
    const started = Date.now();
    const r = isolated
      ? spawnSync('unshare', ['-rnm', 'bash', ...lab], { encoding: 'utf8', timeout: 110_000, env: { ...process.env, SIPE_TIMEOUT: '75' } })
      : spawnSync('bash', lab, { encoding: 'utf8', timeout: 110_000, env: { ...process.env, SIPE_TIMEOUT: '75' } });
    const client = existsSync(join(out, 'client.log')) ? readFileSync(join(out, 'client.log'), 'utf8') : '';
    const serverText = existsSync(join(out, 'server.log')) ? readFileSync(join(out, 'server.log'), 'utf8') : '';
    const sipe = client
      .split('\n')
      .filter((l) =>
        /sipe-signon|sax1-shim|sipe: (process_register_response|sip_transport_input|initialize_auth_context|service_metadata|webticket|sipe_certificate|sip_sec_init_sec_context__tls_dsk)|certificate: |CONNECTION|SIGNED/.test(
          l,
        ),
      );
    // The evidence, in the test log: what SIPE did and what the server saw.
    console.log(
      `pidgin-sipe run (${Date.now() - started} ms, exit ${r.status}, ${isolated ? 'isolated network namespace' : 'host namespace'}):\n${r.stderr}\n${sipe.join('\n')}`,
    );
    const log = serverText
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    console.log(
      `ocauth-server log:\n${log
        .filter((e) => e.level !== 'debug')
        .map((e) => JSON.stringify(e))
        .join('\n')}`,
    );

    expect(r.status, `sipe-signon exit status (0 = signed on); last client lines:\n${client.split('\n').slice(-40).join('\n')}`).toBe(0);
    if (isolated) expect(r.stderr).toContain('lab: isolated');
    // SIPE's own words.
    expect(client).toContain('SIGNED-ON');
    expect(client).toContain('process_register_response: authentication handshake completed successfully');
    expect(client).toContain('sip_transport_input: signature of incoming message validated');
    expect(client).toMatch(/sip_sec_init_sec_context__tls_dsk: handshake completed/);
    // libpurple verified every TLS server certificate itself; nothing was accepted by prompt.
    expect(client).toContain('Successfully verified certificate for 127.0.0.1');
    expect(client).not.toContain('REQUEST refused');

    const at = (pred: (e: Record<string, unknown>) => boolean, what: string) => {
      const i = log.findIndex(pred);
      expect(i, `server log: ${what}`).toBeGreaterThanOrEqual(0);
      return i;
    };
    const challenge = at((e) => e.msg === 'sip register challenged', 'REGISTER challenged with TLS-DSK');
    const ntlm = at((e) => e.msg === 'ntlm.authenticated' && e.sipUri === 'sip:demo@ocauth.test', 'NTLM authenticated demo on WinNegotiate');
    const ticket = at(
      (e) => e.msg === 'request' && e.method === 'POST' && e.path === '/WebTicket/WebTicketService.svc' && e.status === 200,
      'web ticket issued (WebTicket POST 200)',
    );
    const cert = at(
      (e) => e.msg === 'request' && e.method === 'POST' && e.path === '/CertProv/CertProvisioningService.svc' && e.status === 200,
      'certificate issued (GetAndPublishCert 200)',
    );
    const dsk = at((e) => e.msg === 'sip tls-dsk handshake complete' && e.sipUri === 'sip:demo@ocauth.test', 'TLS-DSK handshake complete');
    const registered = at((e) => e.msg === 'sip registered' && e.sipUri === 'sip:demo@ocauth.test', 'signed 200 OK to REGISTER');
    expect([challenge < ntlm, ntlm <= ticket, ticket < cert, cert < dsk, dsk < registered]).toEqual([true, true, true, true, true]);
    // The certificate TLS-DSK accepted is the one CertProv published: only CertProv published any
    // (the Authentication Broker, the other publisher, was never called).
    expect(log.some((e) => typeof e.path === 'string' && /authbroker|sip\.svc/i.test(e.path))).toBe(false);
    expect(log[dsk]!.certificateSerial).toBe(log[registered]!.certificateSerial);
    expect(Date.now() - started).toBeLessThan(120_000);
  }, 120_000);
});
