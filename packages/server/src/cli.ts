#!/usr/bin/env node
// ocauth-server: start the reference server from flags and/or a JSON config file.
// Prints the URL, the service paths and the demo user; never the CA or TLS private key.
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FAULT_NAMES, type ServerFaults } from './internal/faults.js';
import { startServer, type ServerConfig } from './internal/server.js';
import { silentLogger, stderrLogger } from './internal/logger.js';

const HELP = `Usage: ocauth-server [options]

  -c, --config FILE          JSON config (ServerConfig: host, port, farmFqdn, externalUrl, farm, dataDir,
                             store, users, policy, limits, sip, faults); flags override it
      --host ADDR            listen address (default 127.0.0.1)
  -p, --port N               listen port (default 0: ephemeral)
      --farm-fqdn NAME       pool FQDN (TLS SAN, farm, Autodiscover; default localhost)
      --external-url URL     public base URL behind a proxy
      --sip-port N           run the laboratory SIP-over-TLS registrar (TLS-DSK) on port N (0: ephemeral)
  -d, --data-dir DIR         CA, TLS key, pool key, SQLite file (default: a new temporary directory)
      --store KIND           sqlite (default) | postgres | memory
      --pg-url URL           PostgreSQL connection string (implies --store postgres)
      --min-key-size N       --max-key-size N  --default-validity-hours N  --max-validity-hours N
      --ticket-lifetime S    web ticket lifetime (public computers), seconds
      --clock-skew S         accepted clock skew, seconds
      --fault NAME           deliberately break a check (repeatable): ${FAULT_NAMES.join(', ')}
      --json                 print the startup summary as one JSON line on stdout
      --quiet                no request logs (errors still go to stderr)
  -h, --help
`;

export class CliError extends Error {
  readonly code = 'ERR_SERVER_CLI';
}

const int = (name: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new CliError(`--${name}: expected a non-negative integer, received ${JSON.stringify(v)}`);
  return Number(v);
};

/** Turn argv into a ServerConfig (exported for tests). */
export function configFromArgs(argv: string[]): { config: ServerConfig; json: boolean; help: boolean } {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      config: { type: 'string', short: 'c' }, host: { type: 'string' }, port: { type: 'string', short: 'p' }, 'farm-fqdn': { type: 'string' },
      'external-url': { type: 'string' }, 'sip-port': { type: 'string' }, 'data-dir': { type: 'string', short: 'd' }, store: { type: 'string' }, 'pg-url': { type: 'string' },
      'min-key-size': { type: 'string' }, 'max-key-size': { type: 'string' }, 'default-validity-hours': { type: 'string' }, 'max-validity-hours': { type: 'string' },
      'ticket-lifetime': { type: 'string' }, 'clock-skew': { type: 'string' }, fault: { type: 'string', multiple: true },
      json: { type: 'boolean' }, quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  let config: ServerConfig = {};
  if (values.config) {
    let text: string;
    try {
      text = readFileSync(values.config, 'utf8');
    } catch (e) {
      throw new CliError(`--config: expected a readable file, received ${values.config} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    try {
      config = JSON.parse(text) as ServerConfig;
    } catch (e) {
      throw new CliError(`--config ${values.config}: expected JSON, received ${(e as Error).message}`);
    }
    if (!config || typeof config !== 'object' || Array.isArray(config)) throw new CliError(`--config ${values.config}: expected a JSON object`);
  }
  const set = <K extends keyof ServerConfig>(k: K, v: ServerConfig[K] | undefined) => {
    if (v !== undefined) config[k] = v;
  };
  set('host', values.host);
  set('port', int('port', values.port));
  set('farmFqdn', values['farm-fqdn']);
  set('externalUrl', values['external-url']);
  set('dataDir', values['data-dir']);
  const sipPort = int('sip-port', values['sip-port']);
  if (sipPort !== undefined) config.sip = { ...(config.sip ?? {}), port: sipPort };
  if (values['pg-url']) config.store = { kind: 'postgres', url: values['pg-url'] };
  else if (values.store) {
    if (values.store === 'sqlite' || values.store === 'memory') config.store = { kind: values.store };
    else if (values.store === 'postgres') {
      if (config.store?.kind !== 'postgres') throw new CliError('--store postgres: expected --pg-url or store.url in the config file, received neither');
    } else throw new CliError(`--store: expected sqlite, postgres or memory, received ${JSON.stringify(values.store)}`);
  }
  const policy = { ...(config.policy ?? {}) };
  const p = (k: keyof typeof policy, flag: string) => {
    const v = int(flag, values[flag as keyof typeof values] as string | undefined);
    if (v !== undefined) (policy as Record<string, unknown>)[k] = v;
  };
  p('minKeySize', 'min-key-size');
  p('maxKeySize', 'max-key-size');
  p('defaultValidityHours', 'default-validity-hours');
  p('maxValidityHours', 'max-validity-hours');
  p('ticketLifetimeSeconds', 'ticket-lifetime');
  p('clockSkewSeconds', 'clock-skew');
  if (Object.keys(policy).length) config.policy = policy;
  const faults: ServerFaults = { ...(config.faults ?? {}) };
  for (const f of values.fault ?? []) {
    if (!(FAULT_NAMES as readonly string[]).includes(f)) throw new CliError(`--fault: expected one of ${FAULT_NAMES.join(', ')}, received ${JSON.stringify(f)}`);
    faults[f as keyof ServerFaults] = true;
  }
  if (Object.keys(faults).length) config.faults = faults;
  config.logger = values.quiet ? silentLogger : stderrLogger;
  return { config, json: values.json ?? false, help: values.help ?? false };
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = configFromArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`ocauth-server: ${(e as Error).message}\n\n${HELP}`);
    process.exit(2);
  }
  if (parsed.help) {
    process.stdout.write(HELP);
    return;
  }
  const srv = await startServer(parsed.config);
  if (parsed.json) {
    process.stdout.write(JSON.stringify({ url: srv.url, urls: srv.urls, ...(srv.sip ? { sip: srv.sip } : {}), dataDir: srv.dataDir, store: srv.store.kind, caCertificateFile: join(srv.dataDir, 'ca-cert.pem'), caCertificatePem: srv.caCertificatePem, demoUser: srv.demoUser }) + '\n');
  } else {
    const faults = Object.entries(parsed.config.faults ?? {}).filter(([, v]) => v).map(([k]) => k);
    process.stdout.write(
      [
        `ocauth-server listening on ${srv.url}  (store: ${srv.store.kind}, data: ${srv.dataDir})`,
        ...(faults.length ? [`  WARNING: deliberately broken checks: ${faults.join(', ')}`] : []),
        `  Web Ticket Service        ${srv.urls.webTicket}`,
        `  Certificate Provisioning  ${srv.urls.certProv}`,
        `  Authentication Broker     ${srv.urls.authBroker}`,
        `  Autodiscover              ${srv.urls.autodiscover}`,
        ...(srv.sip ? [`  SIP registrar (TLS-DSK)   ${srv.sip.fqdn}:${srv.sip.port} (sips, listening on ${parsed.config.sip?.host ?? parsed.config.host ?? '127.0.0.1'})`] : []),
        `  Trust this CA             ${join(srv.dataDir, 'ca-cert.pem')}`,
        `  Demo user                 ${srv.demoUser.sipUri}  phone ${srv.demoUser.phone}  PIN ${srv.demoUser.pin}  password ${srv.demoUser.password}`,
        `                            account ${srv.demoUser.account}  UPN ${srv.demoUser.upn}  (user names for /Auth and NTLM on ${srv.urls.webTicket})`,
        '',
      ].join('\n'),
    );
  }
  const stop = () => {
    void srv.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

const invokedDirectly = (() => {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();
if (invokedDirectly) {
  main().catch((e: unknown) => {
    process.stderr.write(`ocauth-server: ${(e as Error).message}\n`);
    process.exit(1);
  });
}
