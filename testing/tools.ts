// Shared test support: external oracles (openssl, xmllint, xmlsec1, a libxml2 C driver, PostgreSQL).
// Locally a missing tool skips the cross-check; under CI (CI=true) it is a hard failure, because
// .ci/run installs every tool and a silently skipped oracle would be a test that cannot fail.
import { execFileSync, spawnSync } from 'node:child_process';

const cache = new Map<string, boolean>();

/** True when `tool` runs. Under CI a missing tool throws instead of returning false. */
export function hasTool(tool: string, probeArgs: string[] = ['--version']): boolean {
  let ok = cache.get(tool);
  if (ok === undefined) {
    const r = spawnSync(tool, probeArgs, { stdio: 'ignore' });
    ok = r.error === undefined;
    cache.set(tool, ok);
  }
  if (!ok && process.env.CI === 'true') {
    throw new Error(`test oracle '${tool}' is not on PATH; .ci/run must install it (CI=true)`);
  }
  return ok;
}

/** Run a tool with stdin, return stdout as Buffer; throws with stderr on a non-zero exit. */
export function runTool(tool: string, args: string[], input?: string | Uint8Array): Buffer {
  try {
    return execFileSync(tool, args, { input, maxBuffer: 256 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: Buffer; status?: number };
    throw new Error(`${tool} ${args.join(' ')} exited ${err.status}: ${err.stderr?.toString() ?? ''}`);
  }
}
