// `ocauth conformance`: with no --target it starts the embedded reference server and tests it;
// with --target it tests a real pool. Progress while it runs, a table at the end, --json / --junit.
import { readFileSync, writeFileSync } from 'node:fs';
import { startEmbeddedTarget } from './embedded-target.js';
import { ALL_CHECKS } from './requirements.js';
import { formatTable, progressLine, runChecks, toJUnit } from './run.js';
import type { Target } from './target.js';

export const CONFORMANCE_USAGE = `usage: ocauth conformance [--target URL --user sip:USER [--phone N] [--pin PIN] [--password PW] [--ca FILE]]
                          [--json FILE] [--junit FILE] [--only REGEX]
  Without --target the embedded reference server is started on 127.0.0.1 and tested.
  The password may also come from OCAUTH_PASSWORD, the PIN from OCAUTH_PIN (kept out of shell history).
  Exit code: 0 when every MUST check passes, 1 when one fails, 2 on bad usage.`;

function flags(args: readonly string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) throw new Error(`argument ${JSON.stringify(a)}: expected --flag VALUE`);
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${a}: expected a value, received none`);
    m.set(a.slice(2), v);
    i++;
  }
  return m;
}

export async function conformanceMain(args: readonly string[], out: (s: string) => void = (s) => process.stdout.write(s + '\n')): Promise<number> {
  let f: Map<string, string>;
  try {
    f = flags(args);
    for (const k of f.keys()) if (!['target', 'user', 'phone', 'pin', 'password', 'ca', 'json', 'junit', 'only'].includes(k)) throw new Error(`--${k}: unknown flag`);
    if (f.has('target') && !f.has('user')) throw new Error('--user: expected the test user\'s SIP URI with --target');
  } catch (e) {
    out(`${(e as Error).message}\n${CONFORMANCE_USAGE}`);
    return 2;
  }
  let target: Target;
  let close = async () => {};
  if (f.has('target')) {
    const pin = f.get('pin') ?? process.env.OCAUTH_PIN;
    const password = f.get('password') ?? process.env.OCAUTH_PASSWORD;
    target = {
      url: f.get('target')!,
      user: f.get('user')!.startsWith('sip:') ? f.get('user')! : `sip:${f.get('user')!}`,
      ...(f.has('phone') ? { phone: f.get('phone')! } : {}),
      ...(pin !== undefined ? { pin } : {}),
      ...(password !== undefined ? { password } : {}),
      ...(f.has('ca') ? { trust: readFileSync(f.get('ca')!, 'utf8') } : {}),
    };
    out(`target ${target.url} as ${target.user}`);
  } else {
    const t0 = Date.now();
    const e = await startEmbeddedTarget();
    target = e;
    close = e.close;
    out(`embedded reference target at ${e.url} (user ${e.user}), started in ${Date.now() - t0} ms`);
  }
  try {
    const rep = await runChecks(target, ALL_CHECKS, { progress: (r, i, n) => out(progressLine(r, i, n)), ...(f.has('only') ? { only: new RegExp(f.get('only')!) } : {}) });
    out('');
    out(formatTable(rep));
    if (f.has('json')) writeFileSync(f.get('json')!, JSON.stringify(rep, null, 2) + '\n');
    if (f.has('junit')) writeFileSync(f.get('junit')!, toJUnit(rep));
    return rep.exitCode;
  } finally {
    await close();
  }
}
