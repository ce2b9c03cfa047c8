// The repository stands on its own: no tracked file names a path of the machine it was written on
// (a fresh clone anywhere else must build and test the same).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SPEC_PATH, specText } from '../../testing/spec.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
// Absolute directories of a workstation or CI runner (POSIX home/work trees, macOS users, Windows drives).
const OUTSIDE = /(?:^|[\s'"`(=,:])(?:\/work\/|\/home\/[\w.-]+\/|\/Users\/[\w.-]+\/|\/mnt\/|[A-Z]:\\(?:Users|work)\\)/;

describe('the repository', () => {
  it('no tracked file names a path outside the repository', () => {
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: root }).toString('utf8').split('\0').filter(Boolean);
    expect(files.length).toBeGreaterThan(100);
    const hits: string[] = [];
    for (const f of files) {
      if (/\.(der|png|jpg|pdf|gz|zip|sqlite)$/i.test(f)) continue;
      let text: string;
      try {
        text = readFileSync(join(root, f), 'utf8');
      } catch {
        continue;
      }
      text.split('\n').forEach((line, i) => {
        if (OUTSIDE.test(line)) hits.push(`${f}:${i + 1}: ${line.trim().slice(0, 120)}`);
      });
    }
    expect(hits, hits.join('\n')).toEqual([]);
  });
  it('the pattern finds what it must (so the check above can fail)', () => {
    // Assembled, so that this file does not hold the paths it looks for.
    const w = ['/wo', 'rk/'].join('');
    const h = ['/ho', 'me/'].join('');
    for (const bad of [`readFileSync('${w}shared/reference/MS-OCAUTHWS.txt')`, `see ${h}alice/spec.txt`, `C:${'\\'}Users${'\\'}bob${'\\'}x`])
      expect(OUTSIDE.test(bad), bad).toBe(true);
    for (const ok of ['GET …/root/user', 'vectors/spec/MS-OCAUTHWS.txt', `https://pool.contoso.com${w}x`]) expect(OUTSIDE.test(ok), ok).toBe(false);
  });
  it('the spec text helper reads the copy in the repository', () => {
    expect(SPEC_PATH.startsWith(root)).toBe(true);
    expect(specText()).toContain('3.1.4.1.4.1 tns:GetAndPublishCertResponseCodeType');
  });
});
