// Where `ocauth` finds its data: the reference vectors (vectors/**.json) and the MS-OCAUTHWS section 4
// examples (vectors/spec). The published package ships a copy in <package>/vectors (scripts/copy-vectors.mjs
// at pack time, from the repository's vectors/ — the single source of truth); inside the monorepo the
// repository's own vectors/ is read directly. A missing file is an error, never a silently skipped check.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The section 4 examples the conformance suite replays (EX-4.1 … EX-4.6). */
export const SPEC_EXAMPLES = [
  '4.1-get-and-publish-cert-request.xml',
  '4.1-get-and-publish-cert-response.xml',
  '4.2-issue-token-request.xml',
  '4.2-issue-token-response.xml',
  '4.3-create-auth-broker-session-request.xml',
  '4.3-create-auth-broker-session-response.xml',
  '4.4-terminate-auth-broker-session-request.xml',
  '4.4-terminate-auth-broker-session-response.xml',
  '4.5-auth-broker-acquire-credential-request.xml',
  '4.5-auth-broker-acquire-credential-response.xml',
  '4.6-auth-broker-negotiate-security-association-request.xml',
  '4.6-auth-broker-negotiate-security-association-response.xml',
] as const;

export class MissingAssetError extends Error {
  readonly code = 'ERR_OCAUTH_MISSING_ASSET';
  constructor(message: string) {
    super(message);
    this.name = 'MissingAssetError';
  }
}

/** <package root> (dist/internal/../.. or src/internal/../..). */
const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Candidate vectors directories, most specific first: the monorepo's vectors/ when run from the repository, else the packaged copy. */
export function vectorsCandidates(root = packageRoot): string[] {
  const repo = join(root, '..');
  return [...(existsSync(join(repo, 'pnpm-workspace.yaml')) ? [join(repo, 'vectors')] : []), join(root, 'vectors')];
}

/** The vectors directory (with spec/ and every spec example in it); MissingAssetError naming what is missing and where it looked. */
export function vectorsRoot(root = packageRoot): string {
  const tried = vectorsCandidates(root);
  for (const d of tried) {
    if (!existsSync(d)) continue;
    const missing = SPEC_EXAMPLES.filter((f) => !existsSync(join(d, 'spec', f)));
    if (missing.length)
      throw new MissingAssetError(
        `${join(d, 'spec')}: expected the MS-OCAUTHWS section 4 examples, missing ${missing.join(', ')} (reinstall @ocauth/conformance)`,
      );
    return d;
  }
  throw new MissingAssetError(
    `expected the reference vectors shipped with @ocauth/conformance, found none (looked in ${tried.join(', ')}); reinstall the package`,
  );
}
