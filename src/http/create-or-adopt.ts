// Creating something whose create may be refused because it exists already (another run made it)
// or whose answer is lost on the way back (it may or may not have landed): never sent again
// blindly; what is there is looked up and adopted. One cap for every such create.
import { ApiError } from './failure.js';

/** Creates sent at most when each one is lost or refused and the look finds nothing. */
export const MAX_CREATES = 5;

export interface CreateOrAdopt<T> {
  create(): Promise<T>;
  /** What the create, or another run, made; undefined when there is none. `error` says why it is looked for. */
  adopt(error: ApiError): Promise<T | undefined>;
  /** Whether a refusal can mean it exists already (e.g. 409); a lost answer is always looked at. */
  exists?(error: ApiError): boolean;
}

export async function createOrAdopt<T>({ create, adopt, exists }: CreateOrAdopt<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await create();
    } catch (error) {
      const lost = error instanceof ApiError && error.outcomeUnknown;
      const refused = error instanceof ApiError && !lost && (exists?.(error) ?? false);
      if (!lost && !refused) throw error;
      const found = await adopt(error);
      if (found !== undefined) return found;
      // Nothing there: the lost create did not land, or what refused it is gone again.
      if (attempt >= MAX_CREATES) throw error;
    }
  }
}
