// Profiling aid (not a bench row): runs the handshake bench's subjects N times each under the CPU profiler.
// node packages/authbroker/bench/profile-handshake.mjs [N] [out-prefix]  → out-prefix.<subject>.cpuprofile
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import bench from './handshake.bench.mjs';

const N = Number(process.argv[2] ?? 100);
const out = process.argv[3];
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 200 });
await bench({
  compare: async ({ subject, reference, subjectName, referenceName }) => {
    for (const [name, fn] of [
      [subjectName, subject],
      [referenceName, reference],
    ]) {
      for (let i = 0; i < 5; i++) await fn();
      if (out) await session.post('Profiler.start');
      const t0 = performance.now();
      for (let i = 0; i < N; i++) await fn();
      const ms = (performance.now() - t0) / N;
      if (out) writeFileSync(`${out}.${name.replace(/\W+/g, '-')}.cpuprofile`, JSON.stringify((await session.post('Profiler.stop')).profile));
      console.log(`${name}: ${ms.toFixed(2)} ms each`);
    }
    return {};
  },
});
