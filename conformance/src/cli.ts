#!/usr/bin/env node
// ocauth — conformance runner, doctor, fuzzer and vectors check for MS-OCAUTHWS servers.
import { main } from './internal/cli-main.js';

process.exitCode = await main(
  process.argv.slice(2),
  (s) => process.stdout.write(s + '\n'),
  (s) => process.stderr.write(s + '\n'),
);
