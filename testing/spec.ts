// The specification text every test and script reads: the copy in this repository
// (vectors/spec/MS-OCAUTHWS.txt), never a path of the machine the tests happen to run on.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SPEC_PATH = fileURLToPath(new URL('../vectors/spec/MS-OCAUTHWS.txt', import.meta.url));

let cached: string | undefined;
/** MS-OCAUTHWS as extracted from the PDF (line breaks as in the PDF text). */
export function specText(): string {
  cached ??= readFileSync(SPEC_PATH, 'utf8');
  return cached;
}
