// The `ocauth` command line, as a function (tested in-process; src/cli.ts only wires process I/O).
import { writeFileSync } from 'node:fs';
import { parseFlags, targetFromFlags } from './flags.js';
import { formatTable, runConformance, toJUnit } from './report.js';
import { startEmbeddedTarget } from './embedded.js';
import type { Target } from './target.js';

export { parseFlags, targetFromFlags } from './flags.js';

export const USAGE = `usage:
  ocauth conformance [--target URL --user sip:U [--phone N] [--pin P] [--password W] [--ca FILE] [--issuer-ca FILE]]
                     [--json FILE] [--junit FILE] [--only REGEX]
      No --target: starts the embedded reference server (@ocauth/server) and tests it.
      Exit 0 only if every MUST check passes (manual ones are listed with the reason).
  ocauth doctor [--target URL --user sip:U [--pin P | --password W] [--ca FILE]] [--device phone|pc] [--verbose]
  ocauth fuzz [--seconds N] [--seed S] [--case I]
  ocauth vectors [--dir DIR]
  The password may also come from OCAUTH_PASSWORD (keeps it out of the process list).`;

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
