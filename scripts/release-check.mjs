#!/usr/bin/env node
// pnpm release:check — what a newcomer gets from npm, checked before a release (and in CI by
// scripts/test/release-check.test.ts):
//   1. packs every workspace package (pnpm pack: workspace:^ ranges become versions, prepack copies the vectors);
//   2. inspects each tarball: LICENSE, README, metadata, no tests, no workspace: ranges, the data files;
//   3. installs the tarballs with npm into a fresh app outside the workspace (our packages only from the
//      tarballs — `overrides` pin them there —, third-party dependencies from the npm registry);
//   4. compiles a consumer of every package's public types with tsc 5.5, 5.9 and the current release,
//      skipLibCheck false (no third-party type may be missing);
//   5. type-checks and runs the README examples marked ```ts example (or ```js example), the packages' and the
//      repository's (the first flow: server → ticket → certificate → broker → TLS-DSK REGISTER with the registrar);
//      `stdout="…"` after the marker names text the run must print;
//   6. runs the CLIs: ocauth --help/--version/vectors/conformance (embedded, and against ocauth-server over
//      HTTPS with the spec examples), ocauth-server --help; the vectors' Python replay (python3, stdlib only).
// Usage: node scripts/release-check.mjs [--keep] [--skip-tsc-matrix]   (run `pnpm build` first)
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const t0 = Date.now();
const failures = [];
const log = (s) => process.stdout.write(`${s}\n`);
const step = (s) => log(`\n== ${s} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
const check = (ok, what) => {
  if (ok) log(`ok   ${what}`);
  else {
    failures.push(what);
    log(`FAIL ${what}`);
  }
  return ok;
};
const run = (cmd, argv, opts = {}) => spawnSync(cmd, argv, { encoding: 'utf8', timeout: 240_000, maxBuffer: 64 << 20, ...opts });

const work = mkdtempSync(join(tmpdir(), 'ocauth-release-'));
const tgzDir = join(work, 'tarballs');
const app = join(work, 'app');
mkdirSync(tgzDir);
mkdirSync(app);

try {
  // ---------------------------------------------------------------- 1. pack
  step('pack');
  const dirs = [...readdirSync(join(repo, 'packages')).map((d) => join(repo, 'packages', d)), join(repo, 'conformance')].filter(
    (d) => existsSync(join(d, 'package.json')) && !JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')).private,
  );
  const pkgs = [];
  for (const d of dirs) {
    const manifest = JSON.parse(readFileSync(join(d, 'package.json'), 'utf8'));
    if (manifest.main && !existsSync(join(d, manifest.main))) throw new Error(`${manifest.name}: ${manifest.main} missing — run pnpm build first`);
    const r = run('pnpm', ['pack', '--pack-destination', tgzDir], { cwd: d });
    if (r.status !== 0) throw new Error(`pnpm pack ${d}: ${r.stderr || r.stdout}`);
    const tgz = join(tgzDir, `${manifest.name.replace('@', '').replace('/', '-')}-${manifest.version}.tgz`);
    if (!existsSync(tgz)) throw new Error(`pnpm pack ${d}: expected ${tgz}`);
    pkgs.push({ dir: d, name: manifest.name, version: manifest.version, tgz });
    log(`packed ${basename(tgz)}`);
  }

  // ---------------------------------------------------------------- 2. tarball contents
  step('tarball contents and metadata');
  const rootLicense = readFileSync(join(repo, 'LICENSE'), 'utf8');
  for (const p of pkgs) {
    const files = execFileSync('tar', ['tzf', p.tgz], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((f) => f.replace(/^package\//, ''));
    const pj = JSON.parse(execFileSync('tar', ['xzOf', p.tgz, 'package/package.json'], { encoding: 'utf8' }));
    const license = execFileSync('tar', ['xzOf', p.tgz, 'package/LICENSE'], { encoding: 'utf8' });
    if (p.name === '@ocauth/vectors') check(/CC0 1\.0/.test(license) && /Apache-2\.0/.test(license), `${p.name}: LICENSE in the tarball (data licences)`);
    else check(license === rootLicense, `${p.name}: LICENSE in the tarball, identical to the repository's`);
    check(files.includes('README.md'), `${p.name}: README.md`);
    // (vectors/ is data: its third-party corpora keep their own directory names, e.g. libxml2's test/)
    const tests =
      p.name === '@ocauth/vectors'
        ? []
        : files.filter((f) => !f.startsWith('vectors/') && /(^|\/)(test|tests|__tests__)\/|\.test\.[cm]?[jt]s$|\.tsbuildinfo$/.test(f));
    check(tests.length === 0, `${p.name}: no tests or build info shipped${tests.length ? ` (${tests.slice(0, 3).join(', ')})` : ''}`);
    const deps = { ...pj.dependencies, ...pj.peerDependencies };
    const ws = Object.entries(deps).filter(([, v]) => String(v).startsWith('workspace:'));
    check(ws.length === 0, `${p.name}: no workspace: ranges`);
    for (const k of ['license', 'repository', 'homepage', 'bugs', 'keywords', 'engines', 'description'])
      check(pj[k] !== undefined, `${p.name}: package.json ${k}`);
    check(pj.engines?.node === '>=20.19', `${p.name}: engines.node >=20.19`);
    if (deps['@xmldom/xmldom']) check(deps['@xmldom/xmldom'] === '>=0.9.12 <0.10', `${p.name}: @xmldom/xmldom range >=0.9.12 <0.10`);
    for (const t of Object.values(pj.exports ?? {}).flatMap((e) => (typeof e === 'object' ? [e.types, e.default] : [e]))) {
      if (t && !t.includes('*')) check(files.includes(t.replace(/^\.\//, '')), `${p.name}: export target ${t} shipped`);
    }
    if (p.name === '@ocauth/conformance') {
      const spec = files.filter((f) => /^vectors\/spec\/4\.[1-6]-.*-(request|response)\.xml$/.test(f));
      check(spec.length === 12, `${p.name}: ships the 12 MS-OCAUTHWS section 4 examples (found ${spec.length})`);
      check(
        files.some((f) => f === 'vectors/psha1/psha1.json'),
        `${p.name}: ships vectors/**/*.json`,
      );
    }
    if (p.name === '@ocauth/vectors') {
      for (const f of ['schemas/p-hash.schema.json', 'index.json', 'LICENSE', 'psha1/psha1.json', 'spec/4.2-issue-token-request.xml', 'test.py'])
        check(files.includes(f), `${p.name}: ${f}`);
    }
  }

  // ---------------------------------------------------------------- 3. install into a fresh app
  step('npm install of the tarballs into a fresh app');
  const deps = Object.fromEntries(pkgs.map((p) => [p.name, `file:${p.tgz}`]));
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify(
      {
        name: 'ocauth-release-check-app',
        private: true,
        type: 'module',
        dependencies: deps,
        // our packages depend on each other by version: pin every such edge to the tarball, never the registry
        overrides: Object.fromEntries(pkgs.map((p) => [p.name, `$${p.name}`])),
        devDependencies: { '@types/node': '^20.19.0' },
      },
      null,
      2,
    ),
  );
  const inst = run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: app, timeout: 540_000 }); // better-sqlite3 may build natively
  if (!check(inst.status === 0, 'npm install')) throw new Error(inst.stderr || inst.stdout || String(inst.error ?? inst.signal));
  for (const p of pkgs) {
    const got = JSON.parse(readFileSync(join(app, 'node_modules', p.name, 'package.json'), 'utf8'));
    check(
      got.version === p.version && !existsSync(join(app, 'node_modules', p.name, 'node_modules', '@ocauth')),
      `${p.name}@${p.version} installed once, from the tarball`,
    );
  }
  const xmldom = JSON.parse(readFileSync(join(app, 'node_modules/@xmldom/xmldom/package.json'), 'utf8')).version;
  log(`stock @xmldom/xmldom ${xmldom} from the registry (no workspace patch)`);

  // ---------------------------------------------------------------- 4. types: tsc matrix, skipLibCheck false
  step('consumer types (skipLibCheck: false)');
  const typed = pkgs.filter((p) => p.name !== '@ocauth/vectors');
  const consumer = [
    '// Generated by scripts/release-check.mjs: every public export of every package, type-checked as a consumer sees them.',
    ...typed.map((p, i) => `import * as m${i} from '${p.name}';`),
    `export const all = [${typed.map((_, i) => `m${i}`).join(', ')}] as const;`,
    "import { psha1, computedKey } from '@ocauth/psha1';",
    "import type { IssuedCertificate } from '@ocauth/certprov';",
    "import type { ServerConfig } from '@ocauth/server';",
    "import { parseCli, type FlagSpecs } from '@ocauth/server/cli-args';",
    'export const key: Uint8Array = psha1(new Uint8Array(16), new Uint8Array(16), 32);',
    'export const ck: Uint8Array = computedKey({ requestorEntropy: new Uint8Array(16), issuerEntropy: new Uint8Array(16) });',
    'export const cfg: ServerConfig = { port: 0, store: { kind: "memory" } };',
    'export type Cert = IssuedCertificate;',
    "export const flags = parseCli(['--x', '1'], { x: { type: 'string', help: 'x' } } satisfies FlagSpecs);",
    '',
  ].join('\n');
  mkdirSync(join(app, 'types'));
  writeFileSync(join(app, 'types', 'consumer.ts'), consumer);
  const tsconfig = (extra) =>
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2023'],
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        skipLibCheck: false,
        noEmit: true,
        types: ['node'],
        ...extra,
      },
      include: ['types/*.ts'],
    });
  writeFileSync(join(app, 'tsconfig.types.json'), tsconfig({}));
  const matrix = [
    ['typescript55', '5.5'],
    ['typescript59', '5.9'],
    ['typescript', 'current'],
  ];
  for (const [mod, label] of args.has('--skip-tsc-matrix') ? matrix.slice(2) : matrix) {
    const tsc = join(repo, 'node_modules', mod, 'bin', 'tsc');
    const version = JSON.parse(readFileSync(join(repo, 'node_modules', mod, 'package.json'), 'utf8')).version;
    if (!check(existsSync(tsc), `tsc ${label} installed (${mod})`)) continue;
    const r = run(process.execPath, [tsc, '-p', 'tsconfig.types.json'], { cwd: app });
    check(
      r.status === 0,
      `tsc ${version} (${label}), skipLibCheck false, NodeNext${r.status ? `:\n${(r.stdout + r.stderr).split('\n').slice(0, 15).join('\n')}` : ''}`,
    );
  }

  // ---------------------------------------------------------------- 5. README examples
  step('README examples (```ts example / ```js example blocks)');
  mkdirSync(join(app, 'examples'));
  const examples = [];
  // each installed package's README, and the repository's own README (its first flow runs from the tarballs too)
  const readmes = [
    ...pkgs.map((p) => ({ pkg: p.name, stem: p.name.split('/')[1], text: readFileSync(join(app, 'node_modules', p.name, 'README.md'), 'utf8') })),
    { pkg: 'README.md (repository)', stem: 'root', text: readFileSync(join(repo, 'README.md'), 'utf8') },
  ];
  for (const { pkg, stem, text } of readmes) {
    // ```ts example [stdout="…"]: an optional text the run must print (what proves the example did its job)
    const re = /^```(ts|js) example([^\n]*)\n([\s\S]*?)^```/gm;
    let m;
    let n = 0;
    while ((m = re.exec(text))) {
      const file = `${stem}-${++n}.${m[1] === 'ts' ? 'mts' : 'mjs'}`;
      writeFileSync(join(app, 'examples', file), m[3]);
      examples.push({ pkg, file, ts: m[1] === 'ts', stdout: /stdout="([^"]*)"/.exec(m[2])?.[1] });
    }
  }
  log(`${examples.length} examples marked runnable`);
  if (examples.some((e) => e.ts)) {
    writeFileSync(
      join(app, 'tsconfig.examples.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2023', 'DOM'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: false,
          types: ['node'],
          outDir: 'examples-js',
          rootDir: 'examples',
        },
        include: ['examples/*.mts'],
      }),
    );
    const r = run(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.examples.json'], { cwd: app });
    check(r.status === 0, `README examples type-check against the packed types${r.status ? `:\n${r.stdout}${r.stderr}` : ''}`);
  }
  for (const e of examples) {
    const js = e.ts ? join(app, 'examples-js', e.file.replace(/\.mts$/, '.mjs')) : join(app, 'examples', e.file);
    const r = run(process.execPath, [js], { cwd: app, timeout: 60_000 });
    check(r.status === 0, `${e.pkg} README example ${e.file} runs${r.status !== 0 ? `:\n${(r.stderr || r.stdout).split('\n').slice(0, 10).join('\n')}` : ''}`);
    if (e.stdout !== undefined)
      check(
        r.status === 0 && r.stdout.includes(e.stdout),
        `${e.pkg} README example ${e.file} prints ${JSON.stringify(e.stdout)}${r.status === 0 && !r.stdout.includes(e.stdout) ? `:\n${r.stdout.slice(-600)}` : ''}`,
      );
  }

  // ---------------------------------------------------------------- 6. the CLIs
  step('CLIs');
  const bin = (n) => join(app, 'node_modules', '.bin', n);
  const version = (n) => pkgs.find((p) => p.name === n).version;
  const other = mkdtempSync(join(work, 'cwd-')); // not the app: the CLI must not depend on the working directory
  let r = run(bin('ocauth'), ['--version'], { cwd: other });
  check(r.status === 0 && r.stdout.trim() === version('@ocauth/conformance'), 'ocauth --version');
  r = run(bin('ocauth'), ['--help'], { cwd: other });
  check(r.status === 0 && r.stdout.includes('Usage: ocauth <command>'), 'ocauth --help: stdout, exit 0');
  r = run(bin('ocauth'), ['fuzz', '--help'], { cwd: other, timeout: 10_000 });
  check(r.status === 0 && r.stdout.startsWith('Usage: ocauth fuzz'), 'ocauth fuzz --help: help, no fuzzing');
  r = run(bin('ocauth'), ['conformnace'], { cwd: other });
  check(r.status === 2 && r.stderr.includes('did you mean conformance?'), 'ocauth conformnace: exit 2, did you mean');
  r = run(bin('ocauth'), ['vectors'], { cwd: other });
  check(
    r.status === 0 && /replayed through @ocauth\/psha1/.test(r.stdout) && !/FAIL/.test(r.stdout),
    `ocauth vectors (shipped data)${r.status ? `:\n${r.stdout.slice(-800)}${r.stderr}` : ''}`,
  );
  r = run(bin('ocauth'), ['conformance', '--only', '^EX-4', '--json', join(other, 'embedded.json')], { cwd: other });
  const rep = existsSync(join(other, 'embedded.json')) ? JSON.parse(readFileSync(join(other, 'embedded.json'), 'utf8')) : { results: [] };
  const ex = rep.results.filter((x) => /^EX-4\.[1-6]/.test(x.id));
  check(
    r.status === 0 && ex.length >= 6 && ex.every((x) => x.outcome === 'pass'),
    `ocauth conformance (embedded): every EX-4.1–4.6 check passes, none manual (${ex.map((x) => `${x.id}:${x.outcome}`).join(' ')})${r.status ? `\n${r.stderr}` : ''}`,
  );
  r = run(bin('ocauth-server'), ['--help'], { cwd: other });
  check(r.status === 0 && r.stdout.includes('Usage: ocauth-server'), 'ocauth-server --help');
  r = run(bin('ocauth-server'), ['--prot', '1'], { cwd: other });
  check(r.status === 2 && r.stderr.includes('did you mean --port?'), 'ocauth-server --prot: exit 2, did you mean');

  // ocauth-server as a separate process, ocauth conformance against its URL
  const srv = spawn(bin('ocauth-server'), ['--store', 'memory', '--json', '--quiet'], { cwd: other, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const info = await new Promise((res, rej) => {
      let buf = '';
      const timer = setTimeout(() => rej(new Error(`ocauth-server: no startup line within 60 s: ${buf}`)), 60_000);
      srv.stdout.on('data', (d) => {
        buf += d;
        const nl = buf.indexOf('\n');
        if (nl >= 0) {
          clearTimeout(timer);
          res(JSON.parse(buf.slice(0, nl)));
        }
      });
      srv.on('exit', (c) => {
        clearTimeout(timer);
        rej(new Error(`ocauth-server exited ${c}`));
      });
    });
    check(typeof info.url === 'string' && info.url.startsWith('https://127.0.0.1:'), `ocauth-server started: ${info.url}`);
    const u = info.demoUser;
    r = await new Promise((res) => {
      const c = spawn(
        bin('ocauth'),
        [
          'conformance',
          '--target',
          info.url,
          '--user',
          u.sipUri,
          '--phone',
          u.phone,
          '--pin',
          u.pin,
          '--ca',
          info.caCertificateFile,
          '--only',
          '^EX-4',
          '--json',
          join(other, 'url.json'),
        ],
        { cwd: other, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      c.stdout.on('data', (d) => {
        out += d;
      });
      c.stderr.on('data', (d) => {
        out += d;
      });
      c.on('exit', (status) => res({ status, out }));
    });
    const rep2 = existsSync(join(other, 'url.json')) ? JSON.parse(readFileSync(join(other, 'url.json'), 'utf8')) : { results: [] };
    const ex2 = rep2.results.filter((x) => /^EX-4\.[1-6]/.test(x.id));
    // EX-4.6 (the final TLS-DSK leg) needs the pool's SIP registrar, which a --target run does not have
    const ok46 = (x) => x.outcome === 'pass' || (/^EX-4\.6/.test(x.id) && x.outcome === 'manual' && /registrar/.test(x.message ?? ''));
    // Honest verdicts: with EX-4.6 left manual the run exits 3 ("1 MUST unchecked"), never 0; all passing exits 0.
    const unchecked = ex2.filter((x) => x.outcome === 'manual').map((x) => x.id);
    const exitOk = unchecked.length === 0 ? r.status === 0 : r.status === 3 && r.out.includes(`${unchecked.length} MUST unchecked: ${unchecked.join(', ')}`);
    check(
      exitOk && ex2.length >= 6 && ex2.every(ok46),
      `ocauth conformance --target ${info.url}: EX-4.1–4.5 pass, 4.6 pass or manual for want of a registrar (${ex2.map((x) => `${x.id}:${x.outcome}`).join(' ')})${r.status ? `\n${r.out.slice(-1500)}` : ''}`,
    );
    check(!r.out.includes(u.pin) && !readFileSync(join(other, 'url.json'), 'utf8').includes(u.pin), 'the PIN appears in no output');
  } finally {
    srv.kill('SIGTERM');
  }

  // ---------------------------------------------------------------- 7. the vectors, from their schema, in Python
  const vec = join(app, 'node_modules', '@ocauth', 'vectors');
  if (existsSync(vec)) {
    step('@ocauth/vectors replayed by python3 (stdlib only)');
    const py = run('python3', [join(vec, 'test.py')], { cwd: other });
    check(
      py.status === 0 && /^OK /m.test(py.stdout),
      `python3 @ocauth/vectors/test.py${py.status ? `:\n${py.stdout.slice(-1500)}${py.stderr.slice(-1500)}` : `: ${py.stdout.trim().split('\n').at(-1)}`}`,
    );
  }
} catch (e) {
  failures.push(e instanceof Error ? e.message : String(e));
  log(`FAIL ${e instanceof Error ? e.stack : e}`);
} finally {
  if (args.has('--keep')) log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
log(`\nrelease:check: ${failures.length ? `${failures.length} failure(s)` : 'all checks passed'} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
process.exit(failures.length ? 1 : 0);
