// The `ocauth` command line, as a function (tested in-process; src/cli.ts only wires process I/O).
import { writeFileSync } from 'node:fs';
import { parseFlags, targetFromFlags } from './flags.js';
import { formatTable, runConformance, selectChecks, toJUnit, unknownConformanceFlags } from './report.js';
import { startEmbeddedTarget } from './embedded.js';
import type { Target } from './target.js';

export { parseFlags, targetFromFlags } from './flags.js';

export const USAGE = `usage:
  ocauth conformance [--target URL --user sip:U [--phone N] [--pin P] [--password W] [--ca FILE] [--issuer-ca FILE]]
                     [--json FILE] [--junit FILE] [--only REGEX] [--strict]
      No --target: starts the embedded reference server (@ocauth/server) and tests it (always strict).
      Exit 0 only if every MUST check ran and passed; 1 if a MUST failed; 3 if some MUST could not be
      checked against the target (listed with the reason; --strict makes that a failure, exit 1).
  ocauth doctor [--target URL --user sip:U [--pin P | --password W] [--ca FILE]] [--device phone|pc] [--verbose]
  ocauth fuzz [--seconds N] [--seed S] [--case I]
  ocauth vectors [--dir DIR]
  The password may also come from OCAUTH_PASSWORD (keeps it out of the process list).`;

export async function main(argv: readonly string[], out: (s: string) => void, err: (s: string) => void = out): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === 'conformance') {
      const { flags, errors } = parseFlags(rest);
      errors.push(...unknownConformanceFlags(flags));
      if (errors.length) { err(errors.join('\n')); err(USAGE); return 2; }
      const checks = selectChecks(flags.get('only'));
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
        const rep = await runConformance(target, { checks, progress: out, strict: flags.has('strict') || !flags.has('target') });
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
