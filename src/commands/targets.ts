// Runs one step on every target at once; a failure in one does not stop the others, and the
// error afterwards names every target that failed.
import type { Target, TargetReport } from '../targets/target.js';

export async function onEveryTarget(targets: Target[], step: (target: Target) => Promise<TargetReport>): Promise<TargetReport[]> {
  const settled = await Promise.allSettled(targets.map(step));
  const failures = settled.flatMap((s, i) => {
    if (s.status !== 'rejected') return [];
    const message = s.reason instanceof Error ? s.reason.message : String(s.reason);
    // Platform errors already start with the platform's name.
    return [/^(Vercel|Netlify|GitHub)\b/.test(message) ? message : `${targets[i]!.label}: ${message}`];
  });
  if (failures.length > 0) throw new Error(failures.length === 1 ? failures[0] : `${failures.length} targets failed: ${failures.join(' | ')}`);
  return settled.map((s) => (s as PromiseFulfilledResult<TargetReport>).value);
}
