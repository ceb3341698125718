// Bounded concurrency for independent platform calls.
import pLimit from 'p-limit';

/**
 * Runs `work` for every item, at most `limit` at once. After a failure no new item starts; the
 * call waits for the ones already running, then throws the failure of the earliest item (in
 * `items` order) that failed.
 */
export async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  const gate = pLimit(limit);
  let failed = false;
  const settled = await Promise.allSettled(
    items.map((item) =>
      gate(async () => {
        if (failed) return;
        try {
          await work(item);
        } catch (error) {
          failed = true;
          throw error;
        }
      }),
    ),
  );
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) throw failure.reason;
}

/**
 * A promise started now and awaited later (or not at all): its failure is handled where it is
 * awaited, never reported as an unhandled rejection meanwhile.
 */
export function started<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}
