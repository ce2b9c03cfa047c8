// The `ocauth` command line, as a function (tested in-process; src/cli.ts only wires process I/O).
import { readFileSync, writeFileSync } from 'node:fs';
import { formatTable, runConformance, toJUnit } from './report.js';
import { startEmbeddedTarget } from './embedded.js';
import type { Target } from './target.js';

export const USAGE = `usage:
  ocauth conformance [--target URL --user sip:U [--phone N] [--pin P] [--password W] [--ca FILE] [--issuer-ca FILE]]
                     [--json FILE] [--junit FILE] [--only REGEX]
      No --target: starts the embedded reference server (@ocauth/server) and tests it.
      Exit 0 only if every MUST check passes (manual ones are listed with the reason).
  ocauth doctor [--target URL --user sip:U [--pin P | --password W] [--ca FILE]] [--device phone|pc] [--verbose]
  ocauth fuzz [--seconds N] [--seed S] [--case I]
  ocauth vectors [--dir DIR]
  The password may also come from OCAUTH_PASSWORD (keeps it out of the process list).`;

const SECRET_FLAGS = new Set(['pin', 'password']);

export function parseFlags(args: readonly string[]): { flags: Map<string, string>; errors: string[] } {
  const flags = new Map<string, string>();
  const errors: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) { errors.push(`unexpected argument ${JSON.stringify(a)}`); continue; }
    const name = a.slice(2);
    if (name === 'verbose') { flags.set(name, 'true'); continue; }
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) { errors.push(`--${name}: expected a value, received ${v === undefined ? 'nothing' : SECRET_FLAGS.has(name) ? 'another flag' : JSON.stringify(v)}`); continue; }
    flags.set(name, v);
    i++;
  }
  return { flags, errors };
}

function readPem(file: string | undefined, what: string): string | undefined {
  if (!file) return undefined;
  const pem = readFileSync(file, 'utf8');
  if (!/-----BEGIN CERTIFICATE-----/.test(pem)) throw new Error(`${what} ${file}: expected PEM certificates (-----BEGIN CERTIFICATE-----), received none`);
  return pem;
}

export function targetFromFlags(flags: Map<string, string>, env: NodeJS.ProcessEnv = process.env): Target {
  const url = flags.get('target')!;
  if (!/^https:\/\/[^/]+\/?$/i.test(url)) throw new Error(`--target: expected the pool's base URL https://HOST[:PORT], received ${JSON.stringify(url)}`);
  const user = flags.get('user');
  if (user !== undefined && !/^sip:[^@\s]+@[^@\s]+$/i.test(user)) throw new Error(`--user: expected sip:user@domain, received ${JSON.stringify(user)}`);
  const issuer = readPem(flags.get('issuer-ca'), '--issuer-ca');
  return {
    baseUrl: url.replace(/\/$/, ''), user, phone: flags.get('phone'), pin: flags.get('pin'), password: flags.get('password') ?? env.OCAUTH_PASSWORD,
    ca: readPem(flags.get('ca'), '--ca'),
    ...(issuer ? { issuerCertificates: issuer.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [] } : {}),
  };
}

export async function main(argv: readonly string[], out: (s: string) => void, err: (s: string) => void = out): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === 'conformance') {
      const { flags, errors } = parseFlags(rest);
      if (errors.length) { err(errors.join('\n')); err(USAGE); return 2; }
      let target: Target;
      let close = async () => {};
      if (flags.has('target')) target = targetFromFlags(flags);
      else {
        const t = await startEmbeddedTarget();
        out(`embedded reference target ${t.baseUrl} (@ocauth/server, user ${t.user})`);
        target = t;
        close = t.close;
      }
      try {
        const only = flags.get('only');
        const { ALL_CHECKS } = await import('./suite.js');
        const checks = only ? ALL_CHECKS.filter((r) => new RegExp(only).test(r.id)) : ALL_CHECKS;
        const rep = await runConformance(target, { checks, progress: out });
        out('');
        out(formatTable(rep));
        const json = flags.get('json');
        if (json) { writeFileSync(json, JSON.stringify(rep, null, 2) + '\n'); out(`JSON report: ${json}`); }
        const junit = flags.get('junit');
        if (junit) { writeFileSync(junit, toJUnit(rep)); out(`JUnit report: ${junit}`); }
        return rep.exitCode;
      } finally {
        await close();
      }
    }
    if (cmd === 'doctor') return await (await import('./doctor.js')).runDoctorCli([...rest], out);
    if (cmd === 'fuzz') return await (await import('./fuzz.js')).runFuzzCli([...rest], out);
    if (cmd === 'vectors') {
      const { flags, errors } = parseFlags(rest);
      if (errors.length) { err(errors.join('\n')); return 2; }
      return await (await import('./vectors.js')).runVectorsCli(flags.get('dir') ?? 'vectors', out);
    }
    err(cmd === undefined || cmd === '--help' || cmd === 'help' ? USAGE : `unknown command ${JSON.stringify(cmd)}\n${USAGE}`);
    return 2;
  } catch (e) {
    err(`ocauth ${cmd}: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
}
