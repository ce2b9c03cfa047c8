// The `ocauth` command line, as a function (tested in-process; src/cli.ts only wires process I/O).
// Flags are declared once per command (COMMANDS) and parsed by the parser shared with ocauth-server
// (@ocauth/server/cli-args: node:util parseArgs plus unknown-flag refusal, "did you mean" and generated help).
// Conventions: --help/-h (root and every command) → stdout, exit 0; --version → stdout, exit 0;
// usage errors → stderr, exit 2; check failures → exit 1.
import { readFileSync, writeFileSync } from 'node:fs';
import { formatFlags, parseCli, UsageError, unknownCommand, type FlagSpecs } from '@ocauth/server/cli-args';
import { targetFromFlags } from './flags.js';
import { formatTable, runConformance, toJUnit } from './report.js';
import { startEmbeddedTarget } from './embedded.js';
import { vectorsRoot } from './assets.js';
import type { Target } from './target.js';

export { parseFlags, targetFromFlags } from './flags.js';

const TARGET_FLAGS = {
  target: { type: 'string', arg: 'URL', help: "the pool's base URL https://HOST[:PORT] (default: start the embedded reference server)" },
  user: { type: 'string', arg: 'sip:U', help: 'test user sip:user@domain' },
  phone: { type: 'string', arg: 'N', help: 'phone number accepted as the PIN identity' },
  pin: { type: 'string', arg: 'P', help: 'PIN of the test user', secret: true },
  password: { type: 'string', arg: 'W', help: 'password of the test user (or OCAUTH_PASSWORD)', secret: true },
  ca: { type: 'string', arg: 'FILE', help: "PEM CA certificate(s) that issued the pool's TLS certificate" },
  'issuer-ca': { type: 'string', arg: 'FILE', help: 'PEM CA certificate(s) that issue the client certificates' },
  sip: { type: 'string', arg: 'HOST:PORT', help: "the pool's SIP registrar over TLS: runs the SIP leg (REGISTER, TLS-DSK, signed 200 OK)" },
} as const satisfies FlagSpecs;

interface Command {
  summary: string;
  usage: string;
  flags: FlagSpecs;
  notes?: string;
}

/** Every command and its flags: one declaration per flag (parsed, validated and listed in --help). */
export const COMMANDS = {
  conformance: {
    summary: 'run the MS-OCAUTHWS conformance suite against a pool (or the embedded reference server)',
    usage:
      'ocauth conformance [--target URL --user sip:U [--phone N] [--pin P] [--password W] [--ca FILE] [--issuer-ca FILE]] [--json FILE] [--junit FILE] [--only REGEX] [--strict]',
    flags: {
      ...TARGET_FLAGS,
      json: { type: 'string', arg: 'FILE', help: 'write the JSON report' },
      junit: { type: 'string', arg: 'FILE', help: 'write a JUnit XML report' },
      only: { type: 'string', arg: 'REGEX', help: 'run only the checks whose id matches' },
      strict: { type: 'boolean', help: 'a MUST that could not be checked against the target fails the run (always so for the embedded target)' },
    },
    notes:
      'Exit 0 only if every MUST check ran and passed; 1 if a MUST failed; 3 if some MUST could not be checked\nagainst the target (listed with the reason; --strict makes that a failure, exit 1).',
  },
  doctor: {
    summary:
      'step-by-step diagnosis of a pool (DNS SRV / lyncdiscover, registrar and Edge certificates, TLS, Autodiscover, web ticket, certificate, TLS-DSK), with causes and remedies',
    usage:
      'ocauth doctor [SIP-DOMAIN | https://POOL] [--target URL] [--user sip:U [--pin P | --password W] [--ca FILE]] [--dns IP[:PORT]] [--device phone|pc [--phone-firmware V]] [--verbose]',
    flags: {
      ...TARGET_FLAGS,
      dns: { type: 'string', arg: 'IP[:PORT]', help: 'DNS server(s) for the SRV / lyncdiscover lookups, comma-separated (default: the system resolver)' },
      'phone-firmware': {
        type: 'string',
        arg: 'V',
        help: 'Lync Phone Edition firmware to judge wildcard certificates for (4.0.7577.4100 and later accept them)',
      },
      device: { type: 'string', arg: 'phone|pc', help: 'the kind of client to diagnose for' },
      verbose: { type: 'boolean', help: 'print each step in detail' },
    },
  },
  fuzz: {
    summary: 'differential fuzzing of @ocauth/c14n (vs xmllint) and @ocauth/psha1 (vs openssl)',
    usage: 'ocauth fuzz [--seconds N] [--seed S] [--case I]',
    flags: {
      seconds: { type: 'string', arg: 'N', help: 'how long to fuzz (default 30)' },
      seed: { type: 'string', arg: 'S', help: 'seed (default: time and pid; printed)' },
      case: { type: 'string', arg: 'I', help: 'replay one case of --seed and exit' },
    },
  },
  vectors: {
    summary: 'check the reference vectors (structure, and P_SHA1 / HMAC replays)',
    usage: 'ocauth vectors [--dir DIR]',
    flags: { dir: { type: 'string', arg: 'DIR', help: 'vectors directory (default: the copy shipped with @ocauth/conformance)' } },
  },
} as const satisfies Record<string, Command>;

type CommandName = keyof typeof COMMANDS;
const NAMES = Object.keys(COMMANDS) as CommandName[];

const ROOT_FLAGS = { version: { type: 'boolean', short: 'v', help: 'print the version and exit' } } as const satisfies FlagSpecs;

export function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

export const USAGE = `Usage: ocauth <command> [options]

Commands:
${NAMES.map((n) => `  ${n.padEnd(13)}${COMMANDS[n].summary}`).join('\n')}

Options:
${formatFlags(ROOT_FLAGS)}

Run "ocauth <command> --help" for a command's options. The password may also come from OCAUTH_PASSWORD
(keeps it out of the process list).`;

export function commandHelp(name: CommandName): string {
  const c: Command = COMMANDS[name];
  return `Usage: ${c.usage}\n\n${c.summary[0]!.toUpperCase()}${c.summary.slice(1)}.${c.notes ? `\n${c.notes}` : ''}\n\nOptions:\n${formatFlags(c.flags)}`;
}

/** Parsed values back to `--name value` pairs (the form the doctor and fuzz runners read). */
const toArgs = (values: Record<string, unknown>): string[] =>
  Object.entries(values).flatMap(([k, v]) => (v === true ? [`--${k}`] : v === undefined || v === false ? [] : [`--${k}`, String(v)]));
const toMap = (values: Record<string, unknown>) => new Map(Object.entries(values).filter(([, v]) => typeof v === 'string') as [string, string][]);

export async function main(argv: readonly string[], out: (s: string) => void, err: (s: string) => void = out): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === undefined) {
      err(USAGE);
      return 2;
    }
    if (cmd.startsWith('-') || cmd === 'help') {
      if (cmd === 'help') {
        const topic = rest[0];
        if (topic === undefined) {
          out(USAGE);
          return 0;
        }
        if (!(NAMES as string[]).includes(topic)) throw unknownCommand('ocauth help', topic, NAMES);
        out(commandHelp(topic as CommandName));
        return 0;
      }
      const { values, help } = parseCli(argv, ROOT_FLAGS);
      if (help) {
        out(USAGE);
        return 0;
      }
      if (values.version) {
        out(version());
        return 0;
      }
    }
    if (!(NAMES as string[]).includes(cmd)) throw unknownCommand('ocauth', cmd, NAMES);
    const name = cmd as CommandName;
    const { values, help, positionals } = parseCli(rest, COMMANDS[name].flags, { positionals: name === 'doctor' });
    if (positionals.length > 1)
      throw new UsageError(`expected at most one SIP domain or pool URL, received ${positionals.map((x) => JSON.stringify(x)).join(', ')}`);
    if (help) {
      out(commandHelp(name));
      return 0;
    }
    const v = values as Record<string, string | boolean | undefined>;

    if (name === 'conformance') {
      // The section 4 examples are part of the suite: without them it would be silently weaker.
      vectorsRoot();
      const flags = toMap(v);
      const only = flags.get('only');
      let onlyRe: RegExp | undefined;
      if (only !== undefined) {
        try {
          onlyRe = new RegExp(only);
        } catch (e) {
          throw new UsageError(`--only: expected a regular expression, received ${JSON.stringify(only)} (${(e as Error).message})`);
        }
      }
      const { ALL_CHECKS } = await import('./checks/index.js');
      const checks = onlyRe ? ALL_CHECKS.filter((r) => onlyRe.test(r.id)) : ALL_CHECKS;
      if (checks.length === 0) throw new UsageError(`--only: expected a pattern matching at least one check id, received ${JSON.stringify(only)}`);
      let target: Target;
      let close = async () => {};
      if (flags.has('target')) {
        try {
          target = targetFromFlags(flags);
        } catch (e) {
          throw new UsageError((e as Error).message);
        }
      } else {
        const t = await startEmbeddedTarget();
        out(`embedded reference target ${t.baseUrl} (@ocauth/server, user ${t.user})`);
        target = t;
        close = t.close;
      }
      try {
        const rep = await runConformance(target, { checks, progress: out, strict: v.strict === true || !flags.has('target') });
        out('');
        out(formatTable(rep));
        const json = flags.get('json');
        if (json) {
          writeFileSync(json, JSON.stringify(rep, null, 2) + '\n');
          out(`JSON report: ${json}`);
        }
        const junit = flags.get('junit');
        if (junit) {
          writeFileSync(junit, toJUnit(rep));
          out(`JUnit report: ${junit}`);
        }
        return rep.exitCode;
      } finally {
        await close();
      }
    }
    if (name === 'doctor') {
      const device = v.device;
      if (device !== undefined && device !== 'phone' && device !== 'pc')
        throw new UsageError(`--device: expected phone or pc, received ${JSON.stringify(device)}`);
      if (typeof v.target === 'string') {
        try {
          targetFromFlags(toMap(v));
        } catch (e) {
          throw new UsageError((e as Error).message);
        }
      }
      return await (await import('./doctor.js')).runDoctorCli([...positionals, ...toArgs(v)], out);
    }
    if (name === 'fuzz') {
      for (const [flag, re, what] of [
        ['seconds', /^\d+(\.\d+)?$/, 'a positive number of seconds'],
        ['seed', /^\d+$/, 'a non-negative integer'],
        ['case', /^\d+$/, 'a non-negative integer'],
      ] as const) {
        const x = v[flag];
        if (typeof x === 'string' && (!re.test(x) || (flag === 'seconds' && Number(x) <= 0)))
          throw new UsageError(`--${flag}: expected ${what}, received ${JSON.stringify(x)}`);
      }
      return await (await import('./fuzz.js')).runFuzzCli(toArgs(v), out);
    }
    const dir = typeof v.dir === 'string' ? v.dir : vectorsRoot();
    return await (await import('./vectors.js')).runVectorsCli(dir, out);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`${e.message.startsWith('ocauth') ? '' : `ocauth${cmd && !cmd.startsWith('-') ? ` ${cmd}` : ''}: `}${e.message}`);
      err(`Run "ocauth${cmd && (NAMES as string[]).includes(cmd) ? ` ${cmd}` : ''} --help" for usage.`);
      return 2;
    }
    err(`ocauth ${cmd}: ${e instanceof Error ? e.message : String(e)}`);
    return 2; // exit 1 is reserved for failed checks
  }
}
