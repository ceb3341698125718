// GitHub's paginated lists: every page of a list, following the `Link` header. The first page
// names the last one (rel="last"), so the pages after it are requested all at once (bounded)
// instead of one after another: two round trips for any length instead of one per page.
import { eachLimited } from '../concurrency.js';

export interface Page<T> {
  items: T[];
  /** The response's `Link` header. */
  link?: string;
}

/** The page number of `rel="last"` in a `Link` header, or undefined. */
export function lastPageOf(link: string | undefined): number | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    if (!/rel="last"/.test(part)) continue;
    const url = /<([^>]+)>/.exec(part)?.[1];
    if (!url) return undefined;
    try {
      const page = Number(new URL(url).searchParams.get('page'));
      return Number.isSafeInteger(page) && page > 0 ? page : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function hasNext(page: Page<unknown>): boolean {
  return !!page.link && /rel="next"/.test(page.link) && page.items.length > 0;
}

/**
 * Every item of a list, in page order: page 1, then pages 2..last at once (at most `concurrency`
 * in flight), then, should the list have grown meanwhile, on by `rel="next"` one page at a time.
 * At most `maxPages` pages. A page that fails fails the whole list.
 */
export async function allPages<T>(fetchPage: (page: number) => Promise<Page<T>>, options: { maxPages: number; concurrency: number }): Promise<T[]> {
  const first = await fetchPage(1);
  const pages: Page<T>[] = [first];
  if (!hasNext(first)) return first.items;
  const last = Math.min(options.maxPages, lastPageOf(first.link) ?? 1);
  if (last >= 2) {
    const numbers = Array.from({ length: last - 1 }, (_, i) => i + 2);
    const got = new Map<number, Page<T>>();
    await eachLimited(numbers, options.concurrency, async (n) => void got.set(n, await fetchPage(n)));
    for (const n of numbers) pages.push(got.get(n)!);
  }
  for (let n = pages.length + 1; n <= options.maxPages && hasNext(pages[pages.length - 1]!); n++) pages.push(await fetchPage(n));
  return pages.flatMap((p) => p.items);
}
