#!/usr/bin/env node
// Command line for engineer B's server: `node dist/internal/refserver/cli.js [flags]` (see README.md
// beside this file). Flags override the JSON config file; prints the URLs and the demo user, never keys.
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startServer, type ServerConfig, type ServerFaults } from './server.js';
import { stderrLogger } from './log.js';

const HELP = `ocauth reference server (MS-OCAUTHWS Web Ticket, CertProv, AuthBroker, Autodiscover over HTTPS)

  --config FILE          JSON ServerConfig (host, port, farmFqdn, dataDir, store, users, demoUser, policy, limits, faults)
  --host ADDR            listen address (default 127.0.0.1)
  --port N               port (default 0 = ephemeral)
  --farm-fqdn NAME       pool FQDN (TLS certificate SAN, farm URLs)
  --data-dir DIR         CA, TLS key, pool key and SQLite file (default: a temp dir removed at exit)
  --store KIND           sqlite (default), memory or postgres
  --pg-url URL           PostgreSQL connection string (implies --store postgres)
  --demo-pin PIN         demo user's PIN (default random)
  --demo-password PW     demo user's password (default random)
  --fault NAME           deliberately broken: skipSignatureCheck, skipTimestampCheck, acceptAnyPin (repeatable)
  --quiet                no request logs
  --help`;

const FAULTS: (keyof ServerFaults)[] = ['skipSignatureCheck', 'skipTimestampCheck', 'acceptAnyPin'];

export async function main(argv: string[]): Promise<number> {
  let a;
  try {
    a = parseArgs({
      args: argv, strict: true, allowPositionals: false,
      options: {
        config: { type: 'string' }, host: { type: 'string' }, port: { type: 'string' }, 'farm-fqdn': { type: 'string' }, 'data-dir': { type: 'string' },
        store: { type: 'string' }, 'pg-url': { type: 'string' }, 'demo-pin': { type: 'string' }, 'demo-password': { type: 'string' },
        fault: { type: 'string', multiple: true }, quiet: { type: 'boolean' }, help: { type: 'boolean' },
      },
    }).values;
  } catch (e) {
    process.stderr.write(`ocauth-server: ${(e as Error).message}\n\n${HELP}\n`);
    return 2;
  }
  if (a.help) {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  let config: ServerConfig = {};
  if (a.config) {
    try {
      config = JSON.parse(readFileSync(a.config, 'utf8')) as ServerConfig;
    } catch (e) {
      process.stderr.write(`ocauth-server: --config ${a.config}: expected a JSON ServerConfig file, received ${(e as Error).message}\n`);
      return 2;
    }
  }
  if (a.host) config.host = a.host;
  if (a.port !== undefined) {
    if (!/^\d+$/.test(a.port)) { process.stderr.write(`ocauth-server: --port: expected 0–65535, received ${JSON.stringify(a.port)}\n`); return 2; }
    config.port = Number(a.port);
  }
  if (a['farm-fqdn']) config.farmFqdn = a['farm-fqdn'];
  if (a['data-dir']) config.dataDir = a['data-dir'];
  if (a['pg-url']) config.store = { kind: 'postgres', url: a['pg-url'] };
  else if (a.store === 'sqlite' || a.store === 'memory') config.store = { kind: a.store };
  else if (a.store !== undefined) { process.stderr.write(`ocauth-server: --store: expected sqlite, memory or postgres (with --pg-url), received ${JSON.stringify(a.store)}\n`); return 2; }
  if (a['demo-pin'] || a['demo-password']) config.demoUser = { ...(config.demoUser || {}), ...(a['demo-pin'] ? { pin: a['demo-pin'] } : {}), ...(a['demo-password'] ? { password: a['demo-password'] } : {}) };
  for (const f of a.fault ?? []) {
    if (!FAULTS.includes(f as keyof ServerFaults)) { process.stderr.write(`ocauth-server: --fault: expected one of ${FAULTS.join(', ')}, received ${JSON.stringify(f)}\n`); return 2; }
    config.faults = { ...config.faults, [f]: true };
  }
  config.logger = a.quiet ? false : stderrLogger;
  let s;
  try {
    s = await startServer(config);
  } catch (e) {
    process.stderr.write(`ocauth-server: ${(e as Error).message}\n`);
    return 1;
  }
  const lines = [
    `ocauth server listening on ${s.url} (farm ${s.farmFqdn}, store ${s.store.kind})`,
    `  Web Ticket:   ${s.urls.webTicket}`,
    `  CertProv:     ${s.urls.certProv}`,
    `  AuthBroker:   ${s.urls.authBroker}`,
    `  Autodiscover: ${s.urls.autodiscover}`,
    `  trust this CA: ${join(s.dataDir, 'ca.pem')}`,
    ...(s.demoUser ? [`  demo user: ${s.demoUser.sipUri}  phone ${s.demoUser.phone}  PIN ${s.demoUser.pin}  password ${s.demoUser.password}`] : []),
    ...(config.faults && Object.values(config.faults).some(Boolean) ? [`  WARNING: deliberately broken (${Object.keys(config.faults).join(', ')}): for conformance self-tests only`] : []),
  ];
  process.stdout.write(lines.join('\n') + '\n');
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await s.close();
  return 0;
}

const invokedPath = (() => { try { return process.argv[1] ? realpathSync(process.argv[1]) : ''; } catch { return ''; } })();
if (invokedPath === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (e: unknown) => { process.stderr.write(`ocauth-server: ${(e as Error).message}\n`); process.exit(1); });
}
