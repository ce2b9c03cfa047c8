// Command-line flags shared by `ocauth conformance` and `ocauth doctor`: typed errors naming the flag.
import { readFileSync } from 'node:fs';
import type { Target } from './target.js';

const SECRET_FLAGS = new Set(['pin', 'password']);

export function parseFlags(args: readonly string[]): { flags: Map<string, string>; errors: string[] } {
  const flags = new Map<string, string>();
  const errors: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) {
      errors.push(`unexpected argument ${JSON.stringify(a)}`);
      continue;
    }
    const name = a.slice(2);
    if (name === 'verbose' || name === 'strict') {
      flags.set(name, 'true');
      continue;
    }
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) {
      errors.push(`--${name}: expected a value, received ${v === undefined ? 'nothing' : SECRET_FLAGS.has(name) ? 'another flag' : JSON.stringify(v)}`);
      continue;
    }
    flags.set(name, v);
    i++;
  }
  return { flags, errors };
}

export function readPem(file: string | undefined, what: string): string | undefined {
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
  const sipFlag = flags.get('sip');
  const sip = sipFlag === undefined ? undefined : /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(sipFlag);
  if (sipFlag !== undefined && (!sip || Number(sip[2]) < 1 || Number(sip[2]) > 65535))
    throw new Error(`--sip: expected the SIP registrar's HOST:PORT (TLS), received ${JSON.stringify(sipFlag)}`);
  return {
    baseUrl: url.replace(/\/$/, ''),
    user,
    phone: flags.get('phone'),
    pin: flags.get('pin'),
    password: flags.get('password') ?? env.OCAUTH_PASSWORD,
    ca: readPem(flags.get('ca'), '--ca'),
    ...(sip ? { sip: { host: sip[1]!.replace(/^\[|\]$/g, ''), port: Number(sip[2]) } } : {}),
    ...(issuer ? { issuerCertificates: issuer.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [] } : {}),
  };
}
