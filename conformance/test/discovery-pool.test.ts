// `ocauth conformance --target <pool URL>` without --sip (issue 17 item 3, pool part): the SIP TLS-DSK leg
// runs against the registrar the pool's Autodiscover names, not "manual". The pool is our server configured
// by its own command line (`ocauth-server --sip-port 0`, parsed by configFromArgs), so its Autodiscover names
// its laboratory registrar.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '@ocauth/server';
import { configFromArgs } from '../../packages/server/src/cli.js';
import { main } from '../src/internal/cli-main.js';

type Srv = Awaited<ReturnType<typeof startServer>>;

async function pool(args: string[]) {
  const dataDir = mkdtempSync(join(tmpdir(), 'ocauth-pool-'));
  const { config } = configFromArgs(['--port', '0', '--data-dir', dataDir, ...args]);
  const srv: Srv = await startServer({ ...config, logger: false });
  const caFile = join(dataDir, 'ca-for-runner.pem');
  writeFileSync(caFile, srv.caCertificatePem);
  const run = async (extra: string[] = []) => {
    const lines: string[] = [];
    const code = await main(
      [
        'conformance',
        '--target',
        srv.url,
        '--user',
        srv.demoUser.sipUri,
        '--pin',
        srv.demoUser.pin,
        '--phone',
        srv.demoUser.phone,
        '--ca',
        caFile,
        '--only',
        '^FLOW-05-SIP-TLSDSK$',
        ...extra,
      ],
      (l) => lines.push(l),
      (l) => lines.push(l),
    );
    return { code, text: lines.join('\n') };
  };
  return {
    srv,
    run,
    close: async () => {
      await srv.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describe('conformance --target <pool> finds the SIP registrar through Autodiscover', () => {
  let p: Awaited<ReturnType<typeof pool>>;
  beforeAll(async () => {
    p = await pool(['--sip-port', '0']);
  }, 60_000);
  afterAll(() => p?.close());

  it('runs the TLS-DSK leg against the registrar Autodiscover names (no --sip), and passes', async () => {
    expect(p.srv.sip).toBeDefined();
    const r = await p.run();
    expect(r.text).toMatch(/FLOW-05-SIP-TLSDSK.*pass/);
    expect(r.text).toContain(`registrar ${p.srv.sip!.fqdn}:${p.srv.sip!.port} (from Autodiscover)`);
    expect(r.text).toMatch(/rspauth verified/);
    expect(r.text).toContain('1 checks: 1 pass, 0 fail, 0 manual');
    expect(r.code).toBe(0);
  });
});

describe('conformance --target <pool> whose Autodiscover names a registrar that does not answer', () => {
  let p: Awaited<ReturnType<typeof pool>>;
  // No --sip-port: Autodiscover still advertises <farm FQDN>:<sip port>, where nothing listens.
  beforeAll(async () => {
    p = await pool(['--farm-fqdn', 'localhost']);
  }, 60_000);
  afterAll(() => p?.close());

  it('is "manual" with the registrar that did not answer (exit 3, never "all MUST checks pass")', async () => {
    expect(p.srv.sip).toBeUndefined();
    const r = await p.run();
    expect(r.text).toMatch(/FLOW-05-SIP-TLSDSK.*manual/);
    expect(r.text).toMatch(/registrar localhost:\d+ ECONNREFUSED \(from Autodiscover\)/);
    expect(r.text).toContain('1 MUST unchecked: FLOW-05-SIP-TLSDSK');
    expect(r.text).not.toContain('all MUST checks pass');
    expect(r.code).toBe(3);
  });
});
