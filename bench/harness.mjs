// Benchmark harness shared by every package's bench/*.bench.mjs.
// Speed is reported as a ratio against a reference measured in the same run (interleaved rounds),
// never as an absolute time: machines here are shared and noisy.
import { Bench } from 'tinybench';

const QUICK = process.env.OCAUTH_BENCH_QUICK === '1';

/**
 * Measure `subject` against `reference` in alternating rounds and return the median ratio of
 * throughputs (subject ops/s ÷ reference ops/s). `target` is the ratio the issue asks for:
 * `{ atLeast: 0.6 }` means subject must reach 60 % of the reference's rate; `{ atMost: 1.3 }` on
 * a cost ratio is expressed the same way by passing the reciprocal (atLeast: 1/1.3).
 */
export async function compare({
  name,
  subject,
  reference,
  subjectName = 'ocauth',
  referenceName = 'reference',
  target,
  rounds = QUICK ? 2 : 6,
  time = QUICK ? 100 : 400,
  batch = 1,
}) {
  if (subjectName === referenceName) throw new Error(`${name}: subject and reference need different names`);
  // Sub-microsecond operations: tinybench reads the clock around every iteration, and that fixed cost
  // (~50-100 ns) would compress the ratio towards 1. `batch` runs a synchronous task that many times
  // per iteration; reported rates are per operation.
  if (batch > 1) {
    const s0 = subject,
      r0 = reference;
    subject = () => {
      for (let i = 0; i < batch; i++) s0();
    };
    reference = () => {
      for (let i = 0; i < batch; i++) r0();
    };
  }
  const ratios = [];
  const subj = [];
  const ref = [];
  for (let i = 0; i < rounds; i++) {
    const b = new Bench({ time, warmupTime: QUICK ? 20 : 100 });
    // Alternate which task runs first: the first task of a round pays for warm-up effects (JIT, GC,
    // caches) the second inherits, which biased every ratio against the subject by up to 10 %.
    const subjectFirst = i % 2 === 0;
    if (subjectFirst) {
      b.add(subjectName, subject);
      b.add(referenceName, reference);
    } else {
      b.add(referenceName, reference);
      b.add(subjectName, subject);
    }
    await b.run();
    const byName = new Map(
      b.tasks.map((t) => {
        if (t.result?.state !== 'completed') throw new Error(`${name}: task ${t.name} did not complete: ${t.result?.error ?? t.result?.state}`);
        return [t.name, t.result.throughput.mean];
      }),
    );
    const s = byName.get(subjectName),
      r = byName.get(referenceName);
    subj.push(s * batch);
    ref.push(r * batch);
    ratios.push(s / r);
  }
  const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const row = {
    name,
    subject: subjectName,
    subjectOpsPerSec: med(subj),
    reference: referenceName,
    referenceOpsPerSec: med(ref),
    ratio: med(ratios),
    target: target?.atLeast,
    met: target?.atLeast === undefined ? undefined : med(ratios) >= target.atLeast,
  };
  return row;
}

/** Measure a single task's throughput (for absolute targets such as "30k ops/s"), reported beside ratios. */
export async function throughput({ name, fn, target, time = QUICK ? 100 : 1000 }) {
  const b = new Bench({ time, warmupTime: QUICK ? 20 : 100 });
  b.add(name, fn);
  await b.run();
  const t = b.tasks[0];
  if (t.result?.state !== 'completed') throw new Error(`${name} did not complete: ${t.result?.error ?? t.result?.state}`);
  const ops = t.result.throughput.mean;
  return { name, subjectOpsPerSec: ops, target: target?.opsPerSec, met: target?.opsPerSec === undefined ? undefined : ops >= target.opsPerSec };
}

export function formatRows(rows) {
  const fmt = (n) => (n === undefined ? '' : n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2));
  const lines = [];
  for (const r of rows) {
    if (r.display) {
      lines.push(`  ${r.name}: ${r.display}`);
    } else if (r.reference) {
      lines.push(
        `  ${r.name}: ${r.subject} ${fmt(r.subjectOpsPerSec)} ops/s vs ${r.reference} ${fmt(r.referenceOpsPerSec)} ops/s → ratio ${r.ratio.toFixed(2)}x` +
          (r.target !== undefined ? ` (target ≥ ${Number(r.target.toFixed(2))}x: ${r.met ? 'met' : 'MISSED'})` : ''),
      );
    } else {
      lines.push(
        `  ${r.name}: ${fmt(r.subjectOpsPerSec)} ops/s` + (r.target !== undefined ? ` (target ≥ ${fmt(r.target)} ops/s: ${r.met ? 'met' : 'MISSED'})` : ''),
      );
    }
  }
  return lines.join('\n');
}
