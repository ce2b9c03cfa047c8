#!/usr/bin/env node
// ocauth-server: start the reference server from flags and/or a JSON config file.
// Prints the URL, the service paths and the demo user; never the CA or TLS private key.
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { FAULT_NAMES, type ServerFaults } from './internal/faults.js';
import { startServer } from './internal/server.js';
import type { ServerConfig, ServerLimits, ServerPolicy } from './internal/config.js';
import type { UserSeed } from './internal/store/types.js';
import { silentLogger, stderrLogger } from './internal/logger.js';
import { didYouMean, formatFlags, parseCli, UsageError, type FlagSpecs } from './cli-args.js';

/** Every flag of ocauth-server, one line each: parsed, validated and listed in --help from here. */
export const SERVER_FLAGS = {
  config: { type: 'string', short: 'c', arg: 'FILE', help: 'JSON config (ServerConfig keys, unknown keys refused); flags override it' },
  host: { type: 'string', arg: 'ADDR', help: 'listen address (default 127.0.0.1)' },
  port: { type: 'string', short: 'p', arg: 'N', help: 'listen port (default 0: ephemeral)' },
  'farm-fqdn': { type: 'string', arg: 'NAME', help: 'pool FQDN (TLS SAN, farm, Autodiscover; default localhost)' },
  'external-url': { type: 'string', arg: 'URL', help: 'public base URL behind a proxy' },
  'sip-port': { type: 'string', arg: 'N', help: 'run the laboratory SIP-over-TLS registrar (TLS-DSK) on port N (0: ephemeral)' },
  'data-dir': { type: 'string', short: 'd', arg: 'DIR', help: 'CA, TLS key, pool key, SQLite file (default: a new temporary directory)' },
  store: { type: 'string', arg: 'KIND', help: 'sqlite (default) | postgres | memory' },
  'pg-url': { type: 'string', arg: 'URL', help: 'PostgreSQL connection string (implies --store postgres)', secret: true },
  'min-key-size': { type: 'string', arg: 'N', help: 'smallest RSA modulus accepted in a CSR, bits' },
  'max-key-size': { type: 'string', arg: 'N', help: 'largest RSA modulus accepted in a CSR, bits' },
  'default-validity-hours': { type: 'string', arg: 'N', help: 'certificate validity when the client asks none' },
  'max-validity-hours': { type: 'string', arg: 'N', help: 'longest certificate validity' },
  'ticket-lifetime': { type: 'string', arg: 'S', help: 'web ticket lifetime (public computers), seconds' },
  'clock-skew': { type: 'string', arg: 'S', help: 'accepted clock skew, seconds' },
  fault: { type: 'string', multiple: true, arg: 'NAME', help: `deliberately break a check: ${FAULT_NAMES.join(', ')}` },
  json: { type: 'boolean', help: 'print the startup summary as one JSON line on stdout' },
  quiet: { type: 'boolean', help: 'no request logs (errors still go to stderr)' },
  version: { type: 'boolean', short: 'v', help: 'print the version and exit' },
} satisfies FlagSpecs;

export const HELP = `Usage: ocauth-server [options]

Starts the reference MS-OCAUTHWS server (Web Ticket, Certificate Provisioning, Authentication Broker,
Autodiscover) over HTTPS and prints its URLs and demo user.

${formatFlags(SERVER_FLAGS)}
`;

export class CliError extends UsageError {
  override readonly code = 'ERR_SERVER_CLI';
}

/** The package version (dist/cli.js and src/cli.ts both sit one level below package.json). */
export function serverVersion(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

const int = (name: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new CliError(`--${name}: expected a non-negative integer, received ${JSON.stringify(v)}`);
  return Number(v);
};

// The keys a JSON config file may hold, checked against the TypeScript types (`-?` makes each key
// mandatory here, so a field added to ServerConfig fails the build until it is listed). `clock` and
// `logger` are functions: not expressible in JSON, so not accepted from a file.
type Shape = true | { readonly [k: string]: Shape } | readonly [Shape];
type Keys<T> = { readonly [K in keyof T]-?: Shape };
const USER_SHAPE = {
  sipUri: true,
  enabled: true,
  displayName: true,
  pin: true,
  password: true,
  phones: true,
  account: true,
  upn: true,
  accounts: true,
} as const satisfies Keys<UserSeed>;
const POLICY_SHAPE = {
  minKeySize: true,
  maxKeySize: true,
  minValidityHours: true,
  defaultValidityHours: true,
  maxValidityHours: true,
  clampValidity: true,
  ticketLifetimeSeconds: true,
  privateTicketLifetimeSeconds: true,
  clockSkewSeconds: true,
  brokerSessionIdleSeconds: true,
  brokerCertificateValidityHours: true,
  certProvCompactTickets: true,
  // security (issue 16)
  signInThrottle: {
    maxPinFailures: true,
    maxPasswordFailures: true,
    failureWindowSeconds: true,
    lockoutSeconds: true,
    maxSourceFailures: true,
    sourceBlockSeconds: true,
    blockedDelayMs: true,
    familiarSourceDays: true,
  },
  brokerAcceptUnsignedTickets: true,
  requireSignedBody: true,
  certificatesPerTicket: true,
  certBindingAcceptUnsignedBody: true,
  tlsCiphers: true,
} as const satisfies Keys<ServerPolicy>;
const LIMITS_SHAPE = {
  maxBodyBytes: true,
  headersTimeoutMs: true,
  requestTimeoutMs: true,
  keepAliveTimeoutMs: true,
  maxConnections: true,
  // security (issue 16)
  tlsHandshakeTimeoutMs: true,
  firstRequestTimeoutMs: true,
  maxPendingHandshakes: true,
  maxPendingHandshakesPerSource: true,
  maxConnectionsPerSource: true,
  maxUnauthenticatedBodyBytes: true,
  maxConcurrentRequests: true,
  maxQueuedRequests: true,
} as const satisfies Keys<ServerLimits>;
const FAULTS_SHAPE = Object.fromEntries(FAULT_NAMES.map((n) => [n, true])) as Keys<ServerFaults>;
export const CONFIG_SHAPE = {
  host: true,
  port: true,
  farmFqdn: true,
  externalUrl: true,
  farm: true,
  sip: { fqdn: true, port: true, host: true },
  dataDir: true,
  store: { kind: true, file: true, url: true, poolSize: true, preparedStatements: true },
  users: [USER_SHAPE],
  demoUser: true,
  policy: POLICY_SHAPE,
  limits: LIMITS_SHAPE,
  registrarTrustedCertificates: true,
  faults: FAULTS_SHAPE,
  ntlm: { netbiosDomain: true, maxPendingContexts: true },
} as const satisfies Keys<Omit<ServerConfig, 'clock' | 'logger'>>;

/** Refuse keys a config file may not hold, naming the key's path and the closest known key. */
export function checkConfigKeys(value: unknown, shape: Shape = CONFIG_SHAPE, path = ''): void {
  if (shape === true || value === null || typeof value !== 'object') return;
  if (Array.isArray(shape)) {
    if (Array.isArray(value))
      value.forEach((v, i) => {
        checkConfigKeys(v, shape[0] as Shape, `${path}[${i}]`);
      });
    return;
  }
  if (Array.isArray(value)) return;
  const known = Object.keys(shape);
  for (const [k, v] of Object.entries(value)) {
    const at = path ? `${path}.${k}` : k;
    const sub = (shape as Record<string, Shape>)[k];
    if (sub === undefined) throw new CliError(`unknown key ${at}${didYouMean(k, known, path ? `${path}.` : '')}; expected one of ${known.join(', ')}`);
    checkConfigKeys(v, sub, at);
  }
}

/** Turn argv into a ServerConfig (exported for tests). Throws CliError (a UsageError: exit 2). */
export function configFromArgs(argv: string[]): { config: ServerConfig; json: boolean; help: boolean; version: boolean } {
  const { values, help } = parseCli(argv, SERVER_FLAGS);
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
    try {
      checkConfigKeys(config);
    } catch (e) {
      throw new CliError(`--config ${values.config}: ${(e as Error).message}`);
    }
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
    if (!(FAULT_NAMES as readonly string[]).includes(f))
      throw new CliError(`--fault: expected one of ${FAULT_NAMES.join(', ')}, received ${JSON.stringify(f)}`);
    faults[f as keyof ServerFaults] = true;
  }
  if (Object.keys(faults).length) config.faults = faults;
  config.logger = values.quiet ? silentLogger : stderrLogger;
  return { config, json: values.json ?? false, help, version: values.version ?? false };
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof configFromArgs>;
  try {
    parsed = configFromArgs(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`ocauth-server: ${e.message}\nRun ocauth-server --help for the options.\n`);
    process.exit(2);
  }
  if (parsed.help) {
    process.stdout.write(HELP);
    return;
  }
  if (parsed.version) {
    process.stdout.write(`${serverVersion()}\n`);
    return;
  }
  const srv = await startServer(parsed.config);
  if (parsed.json) {
    process.stdout.write(
      JSON.stringify({
        url: srv.url,
        urls: srv.urls,
        ...(srv.sip ? { sip: srv.sip } : {}),
        dataDir: srv.dataDir,
        store: srv.store.kind,
        caCertificateFile: join(srv.dataDir, 'ca-cert.pem'),
        caCertificatePem: srv.caCertificatePem,
        demoUser: srv.demoUser,
      }) + '\n',
    );
  } else {
    const faults = Object.entries(parsed.config.faults ?? {})
      .filter(([, v]) => v)
      .map(([k]) => k);
    process.stdout.write(
      [
        `ocauth-server listening on ${srv.url}  (store: ${srv.store.kind}, data: ${srv.dataDir})`,
        ...(faults.length ? [`  WARNING: deliberately broken checks: ${faults.join(', ')}`] : []),
        `  Web Ticket Service        ${srv.urls.webTicket}`,
        `  Certificate Provisioning  ${srv.urls.certProv}`,
        `  Authentication Broker     ${srv.urls.authBroker}`,
        `  Autodiscover              ${srv.urls.autodiscover}`,
        ...(srv.sip
          ? [`  SIP registrar (TLS-DSK)   ${srv.sip.fqdn}:${srv.sip.port} (sips, listening on ${parsed.config.sip?.host ?? parsed.config.host ?? '127.0.0.1'})`]
          : []),
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
