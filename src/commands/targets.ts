// Runs one step on every target at once; a failure in one does not stop the others, and the
// error afterwards names every target that failed.
import type { Target } from '../targets/target.js';

export async function onEveryTarget<R>(targets: Target[], step: (target: Target, index: number) => Promise<R>): Promise<R[]> {
  const settled = await Promise.allSettled(targets.map(step));
  const failures = settled.flatMap((s, i) => {
    if (s.status !== 'rejected') return [];
    const message = s.reason instanceof Error ? s.reason.message : String(s.reason);
    const target = targets[i]!;
    // A platform's error already starts with the platform's name.
    return [message.startsWith(`${target.platform}:`) ? message : `${target.label}: ${message}`];
  });
  if (failures.length > 0) throw new Error(failures.length === 1 ? failures[0] : `${failures.length} targets failed: ${failures.join(' | ')}`);
  return settled.map((s) => (s as PromiseFulfilledResult<R>).value);
}
