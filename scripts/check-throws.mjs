#!/usr/bin/env node
// Docs check (part of `pnpm docs:check`): every exported function, class constructor and public method of
// every package documents what it throws in a TSDoc `@throws` tag that names its error codes.
//
// Rule (CONTRIBUTING): the tag names at least one `ERR_…` code (`@throws {CertProvError} ERR_CERTPROV_CSR when …`),
// or starts with `never` when the function cannot throw (`@throws never`, optionally with the reason). The
// check reads the entry points typedoc documents (typedoc.json: `<package>/src/index.ts`), follows every
// export to its declaration in the repository, and prints each missing or code-less tag as file:line.
// Usage: node scripts/check-throws.mjs [package-dir …]   (e.g. packages/c14n; default: every typedoc entry point)
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const typedoc = JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8'));
const entryFile = typedoc.packageOptions?.entryPoints?.[0] ?? 'src/index.ts';
const args = process.argv.slice(2);
const packages = args.length > 0 ? args : typedoc.entryPoints;

/** A `@throws` tag is valid when it names an ERR_ code or says `never`. */
const VALID = /^\s*(\{[^}]*\}\s*)?never\b|\bERR_[A-Z0-9_]+/;

function throwsTags(node) {
  return ts.getJSDocTags(node).filter((t) => t.tagName.text === 'throws');
}
function tagText(tag) {
  const type = tag.typeExpression ? `{${tag.typeExpression.type.getText()}} ` : '';
  return type + (ts.getTextOfJSDocComment(tag.comment) ?? '');
}
/** '' when documented, else what is wrong. */
function problemOf(nodes) {
  const tags = nodes.flatMap(throwsTags);
  if (tags.length === 0) return 'no @throws tag';
  return tags.some((t) => VALID.test(tagText(t)))
    ? ''
    : `@throws names no ERR_ code and does not say "never" (${JSON.stringify(tagText(tags[0]).slice(0, 60))})`;
}
const isPublicMember = (m) => {
  const mods = ts.getCombinedModifierFlags(m);
  if (mods & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) return false;
  if (m.name && ts.isPrivateIdentifier(m.name)) return false;
  return !ts.getJSDocTags(m).some((t) => t.tagName.text === 'internal');
};

const findings = [];
const seen = new Set();
function report(node, kind, name, problem) {
  const sf = node.getSourceFile();
  const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
  const key = `${sf.fileName}:${line}:${name}`;
  if (seen.has(key)) return;
  seen.add(key);
  if (problem) findings.push({ file: relative(root, sf.fileName), line: line + 1, kind, name, problem });
}
const inRepoSource = (sf) => !sf.isDeclarationFile && !relative(root, sf.fileName).startsWith('..') && !sf.fileName.includes('node_modules');

function checkClass(decl, name) {
  const ctors = decl.members.filter((m) => ts.isConstructorDeclaration(m) && isPublicMember(m));
  if (ctors.length > 0) report(ctors[0], 'constructor', `new ${name}()`, problemOf(ctors));
  else if (!decl.heritageClauses?.length) report(decl, 'constructor', `new ${name}() (implicit: tag the class)`, problemOf([decl]));
  const methods = new Map();
  for (const m of decl.members) {
    if (!ts.isMethodDeclaration(m) || !isPublicMember(m)) continue;
    const n = m.name.getText();
    methods.set(n, [...(methods.get(n) ?? []), m]);
  }
  for (const [n, ms] of methods) report(ms[0], 'method', `${name}.${n}()`, problemOf(ms));
}

const entries = packages.map((pkg) => join(resolve(root, pkg), entryFile));
const config = ts.getParsedCommandLineOfConfigFile(join(root, 'packages/c14n/tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
const program = ts.createProgram(entries, { ...(config?.options ?? {}), noEmit: true, rootDir: undefined, outDir: undefined });
const checker = program.getTypeChecker();
for (const entry of entries) {
  const sf = program.getSourceFile(entry);
  if (!sf) throw new Error(`check-throws: no entry point ${relative(root, entry)}`);
  const moduleSymbol = checker.getSymbolAtLocation(sf);
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const decls = (symbol.declarations ?? []).filter((d) => inRepoSource(d.getSourceFile()));
    const name = exported.getName();
    const fns = decls.filter((d) => ts.isFunctionDeclaration(d));
    if (fns.length > 0) report(fns[0], 'function', `${name}()`, problemOf(fns));
    for (const d of decls) {
      if (ts.isClassDeclaration(d)) checkClass(d, name);
      else if (ts.isVariableDeclaration(d)) {
        const type = checker.getTypeOfSymbolAtLocation(symbol, d);
        if (type.getCallSignatures().length > 0 && type.getConstructSignatures().length === 0) report(d, 'function', `${name}()`, problemOf([d]));
      }
    }
  }
}

findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
for (const f of findings) console.log(`${f.file}:${f.line}  ${f.kind} ${f.name}: ${f.problem}`);
const byPackage = new Map();
for (const f of findings) {
  const p = f.file
    .split('/')
    .slice(0, f.file.startsWith('packages/') ? 2 : 1)
    .join('/');
  byPackage.set(p, (byPackage.get(p) ?? 0) + 1);
}
if (findings.length > 0) {
  console.log(
    `\ncheck-throws: ${findings.length} exported functions/constructors/methods lack a @throws tag naming their ERR_ codes (or "@throws never"): ${[...byPackage].map(([p, n]) => `${p} ${n}`).join(', ')}`,
  );
  process.exit(1);
}
console.log(`check-throws: every exported function, constructor and method of ${packages.join(', ')} documents @throws`);
