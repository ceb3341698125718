// The benchmark (issues #8, #18, #19, #21): the built action, run as the runner runs it, against the
// stand-ins (sandbox/platforms.ts) with a fixed latency on every request and Neon operations of a
// fixed duration, for create (new branch), create (reuse), create (reuse) with reset_on_push,
// delete, and a sweep of a large project. For each it reports the requests per platform against
// their budget, the longest chain of sequential requests, the wall time, the floor (the shortest
// sequence of dependent calls the platforms allow, see BENCHMARKS.md) and the ratio of the two;
// the time from process start to the first request against a bare `node -e ''` start, the
// bundle's size and the peak memory of the action's process. A run that fails, leaves the wrong
// state, or makes more requests than its budget fails the benchmark (exit 1, nothing written).
//
//   npm run bench -- [--latency 50] [--operation-ms 1000] [--runs 3] [--entry dist/index.js] ...
//   (npm run bench -- --help for every option)
//
// The parts (scripts/bench/): options.ts (the command line), measures.ts (request timing, the
// longest chain, polls, Neon's rate limit), spawn.ts (the bundle run as the runner runs it, and
// the bare start), platforms.ts (the stand-ins, seeding, what the targets hold), scenarios.ts (the
// runs and their checks), expectations.ts (floors and request budgets per version), report.ts.
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { LABELS, USAGE, parseCommandLine, type BenchOptions } from './bench/options.js';
import { expectationOf } from './bench/expectations.js';
import { budgetFailures, report, writeSection } from './bench/report.js';
import { lifecycleSamples, sweepSamples, type Sample } from './bench/scenarios.js';

export async function bench(options: BenchOptions): Promise<{ text: string; failures: string[] }> {
  const loadStart = os.loadavg()[0]!;
  const expectation = expectationOf(options.expect);
  const unsupported = options.only.filter((s) => !expectation.scenarios.includes(s));
  if (unsupported.length > 0) console.error(`${expectation.name} cannot run ${unsupported.map((s) => LABELS[s]).join(', ')}: left out`);
  const run = { ...options, only: options.only.filter((s) => expectation.scenarios.includes(s)) };
  const samples: Sample[] = [];
  if (run.only.some((s) => s !== 'sweep')) {
    console.error(`create / reuse / delete: ${run.runs} run(s) after a warm-up, L = ${run.latencyMs} ms, T = ${run.operationMs} ms`);
    samples.push(...(await lifecycleSamples(run)));
  }
  if (run.only.includes('sweep')) {
    console.error(`sweep: ${run.branches} branches, ${run.closed} of closed pull requests; seeding…`);
    samples.push(...(await sweepSamples(run)));
  }
  return { text: report(run, samples, { loadStart, loadEnd: os.loadavg()[0]! }), failures: budgetFailures(run, samples) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const options = parseCommandLine(process.argv.slice(2));
  if (options.help) {
    console.log(USAGE);
  } else {
    const { text, failures } = await bench(options);
    console.log(text);
    if (failures.length > 0) {
      console.error(`Over the request budget (nothing written):\n  ${failures.join('\n  ')}`);
      process.exitCode = 1;
    } else if (options.write) {
      writeSection(options.out, options.section, text);
      console.error(`written to ${options.out} (section ${options.section})`);
    }
  }
}
