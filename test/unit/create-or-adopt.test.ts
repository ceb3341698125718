// The one "create, and look again when the answer was lost or the create refused because it
// exists" helper, used by every such create (Neon branch, Netlify key, GitHub variable, PR comment).
import { describe, expect, it } from 'vitest';
import { createOrAdopt, MAX_CREATES } from '../../src/http/create-or-adopt.js';
import { ApiError } from '../../src/http/failure.js';

const lost = () => new ApiError('Neon', 'create branch', { message: 'socket hang up', headers: {}, code: 'ECONNRESET' }, 1, true);
const refused = (status: number) => new ApiError('Neon', 'create branch', { status, message: 'already exists', headers: {} }, 1, false);

/** A create that fails with the given errors in turn, then succeeds; and what adopt finds after each failure. */
function scripted(failures: ApiError[], found: (string | undefined)[]) {
  const calls = { create: 0, adopt: 0 };
  const spec = {
    create: async () => {
      const failure = failures[calls.create++];
      if (failure) throw failure;
      return 'created';
    },
    adopt: async () => found[calls.adopt++],
    exists: (e: ApiError) => e.status === 409,
  };
  return { calls, run: () => createOrAdopt(spec) };
}

describe('createOrAdopt', () => {
  it('returns what the create made, looking nothing up', async () => {
    const s = scripted([], []);
    expect(await s.run()).toBe('created');
    expect(s.calls).toEqual({ create: 1, adopt: 0 });
  });

  it('adopts what a lost create made, without creating again', async () => {
    const s = scripted([lost()], ['found']);
    expect(await s.run()).toBe('found');
    expect(s.calls).toEqual({ create: 1, adopt: 1 });
  });

  it('creates again when the look shows a lost create did not land', async () => {
    const s = scripted([lost(), lost()], [undefined, undefined]);
    expect(await s.run()).toBe('created');
    expect(s.calls).toEqual({ create: 3, adopt: 2 });
  });

  it('adopts what exists when the create is refused because it exists', async () => {
    const s = scripted([refused(409)], ['theirs']);
    expect(await s.run()).toBe('theirs');
  });

  it('throws any other refusal at once', async () => {
    const s = scripted([refused(400)], []);
    await expect(s.run()).rejects.toMatchObject({ status: 400 });
    expect(s.calls).toEqual({ create: 1, adopt: 0 });
  });

  it(`sends ${MAX_CREATES} creates at most, then throws the last failure`, async () => {
    const s = scripted(Array.from({ length: 10 }, lost), []);
    await expect(s.run()).rejects.toMatchObject({ outcomeUnknown: true });
    expect(s.calls).toEqual({ create: MAX_CREATES, adopt: MAX_CREATES });
  });
});
