#!/usr/bin/env node
// ocauth — conformance runner, fuzzer, doctor and vectors check for MS-OCAUTHWS servers.
import { readFileSync, writeFileSync } from 'node:fs';
import { formatTable, runConformance, toJUnit } from './internal/report.js';
import { startEmbeddedTarget } from './internal/embedded.js';
import type { Target } from './internal/target.js';

const [cmd, ...rest] = process.argv.slice(2);
function flag(name: string): string | undefined {
  const i = rest.indexOf(`--${name}`);
  return i >= 0 ? rest[i + 1] : undefined;
}
const out = (s: string) => process.stdout.write(s + '\n');

async function targetFromFlags(): Promise<{ target: Target; close: () => Promise<void> }> {
  const url = flag('target');
  if (!url) {
    const t = await startEmbeddedTarget();
    out(`embedded reference target at ${t.baseUrl} (user ${t.user})`);
    return { target: t, close: t.close };
  }
  const caFile = flag('ca');
  return {
    target: { baseUrl: url, user: flag('user'), phone: flag('phone'), pin: flag('pin'), password: flag('password') ?? process.env.OCAUTH_PASSWORD, ca: caFile ? readFileSync(caFile, 'utf8') : undefined },
    close: async () => {},
  };
}

const USAGE = `usage:
  ocauth conformance [--target URL --user sip:U [--phone N] [--pin P] [--password W] [--ca FILE]] [--json FILE] [--junit FILE]
  ocauth doctor --target URL --user sip:U [--pin P | --password W] [--ca FILE] [--device phone|pc]
  ocauth fuzz [--seconds N] [--seed S]
  ocauth vectors [--dir DIR]`;

if (cmd === 'conformance') {
  const { target, close } = await targetFromFlags();
  try {
    const rep = await runConformance(target, { progress: out });
    out('');
    out(formatTable(rep));
    const json = flag('json');
    if (json) writeFileSync(json, JSON.stringify(rep, null, 2) + '\n');
    const junit = flag('junit');
    if (junit) writeFileSync(junit, toJUnit(rep));
    process.exitCode = rep.exitCode;
  } finally {
    await close();
  }
} else if (cmd === 'doctor') {
  const { runDoctorCli } = await import('./internal/doctor.js');
  process.exitCode = await runDoctorCli(rest, out);
} else if (cmd === 'fuzz') {
  const { runFuzzCli } = await import('./internal/fuzz.js');
  process.exitCode = await runFuzzCli(rest, out);
} else if (cmd === 'vectors') {
  const { runVectorsCli } = await import('./internal/vectors.js');
  process.exitCode = await runVectorsCli(flag('dir') ?? 'vectors', out);
} else {
  process.stderr.write(USAGE + '\n');
  process.exitCode = 2;
}
