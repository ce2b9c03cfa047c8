import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runVectorsCli } from '../src/internal/vectors.js';

const root = join(__dirname, '../../vectors');

describe('ocauth vectors', () => {
  it('every vector file of the repository is structurally sound and the P_hash sets replay', async () => {
    const lines: string[] = [];
    expect(await runVectorsCli(root, (s) => lines.push(s))).toBe(0);
    expect(lines.find((l) => l.includes('psha1/p-hash.json'))).toMatch(/24 cases, 24 replayed/);
    expect(lines.find((l) => l.includes('wstrust/ws-security-hmac.json'))).toMatch(/15 cases, 15 replayed through @ocauth\/wstrust verifyMessage/);
  });

  it('a corrupted known answer and a case without tcId are reported by file and tcId', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vectors-'));
    try {
      mkdirSync(join(dir, 'psha1'));
      const j = JSON.parse(readFileSync(join(root, 'psha1/psha1.json'), 'utf8'));
      const t = j.testGroups[0].tests.find((c: { result: string }) => c.result === 'valid');
      t.outputHex = (t.outputHex[0] === '0' ? '1' : '0') + t.outputHex.slice(1);
      writeFileSync(join(dir, 'psha1/psha1.json'), JSON.stringify(j));
      writeFileSync(join(dir, 'other.json'), JSON.stringify({ tests: [{ result: 'valid' }] }));
      mkdirSync(join(dir, 'wstrust'));
      const h = JSON.parse(readFileSync(join(root, 'wstrust/ws-security-hmac.json'), 'utf8'));
      const v = h.testGroups[0].tests[0];
      v.msg = v.msg.replace(/(<(?:\w+:)?SignatureValue>)(.)/, (_m: string, a: string, c: string) => a + (c === 'A' ? 'B' : 'A'));
      writeFileSync(join(dir, 'wstrust/ws-security-hmac.json'), JSON.stringify(h));
      const lines: string[] = [];
      expect(await runVectorsCli(dir, (s) => lines.push(s))).toBe(1);
      expect(lines.join('\n')).toContain(`replay mismatches tcId ${t.tcId}`);
      expect(lines.join('\n')).toMatch(/FAIL .*other\.json: 1 cases, 1 without tcId\/result/);
      expect(lines.join('\n')).toMatch(new RegExp(`FAIL .*ws-security-hmac\\.json: 15 cases, 0 without tcId/result, replay mismatches tcId ${v.tcId}$`, 'm'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
