import { describe, expect, it } from 'vitest';
import { REQUIREMENTS, runRequirements, exitCodeFor } from '../src/index.js';

describe('requirements runner', () => {
  it('reports unchecked requirements as not-implemented and fails the run', async () => {
    const res = await runRequirements({ baseUrl: '' });
    expect(res.every((r) => r.outcome === 'not-implemented')).toBe(true);
    expect(exitCodeFor(res)).toBe(1);
  });
  it('a failing check is reported by id', async () => {
    const res = await runRequirements({ baseUrl: '' }, [{ ...REQUIREMENTS[0]!, check: async () => { throw new Error('boom'); } }]);
    expect(res[0]).toMatchObject({ id: 'WT-3.2.4.1-28032', outcome: 'fail', message: 'boom' });
  });
});
