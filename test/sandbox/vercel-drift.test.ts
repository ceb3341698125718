// Drift mode of the Vercel stand-in: answers that drift from @vercel/sdk's schemas as Vercel's live
// answers do (vercel/sdk#104, #30, #175, #206). The SDK's standalone functions (as
// src/targets/vercel.ts calls them) throw ResponseValidationError on them although the request
// succeeded; the stand-in does not count its own drifted answers as violations.
import { VercelCore } from '@vercel/sdk/core.js';
import { deploymentsGetDeployments } from '@vercel/sdk/funcs/deploymentsGetDeployments.js';
import { projectsCreateProjectEnv } from '@vercel/sdk/funcs/projectsCreateProjectEnv.js';
import { projectsFilterProjectEnvs } from '@vercel/sdk/funcs/projectsFilterProjectEnvs.js';
import { ResponseValidationError } from '@vercel/sdk/models/responsevalidationerror.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startVercelStandIn, type VercelStandIn } from '../../sandbox/vercel.js';

const TOKEN = 'vercel-test-token';
const PROJECT = 'prj_previewapp';

let vercel: VercelStandIn;
let api: VercelCore;

beforeEach(async () => {
  vercel = await startVercelStandIn();
  api = new VercelCore({ bearerToken: TOKEN, serverURL: vercel.url, retryConfig: { strategy: 'none' } });
});

afterEach(async () => {
  expect(vercel.standIn.violations).toEqual([]);
  await vercel.stop();
});

const preview = (key: string, value: string, gitBranch: string) => ({ key, value, type: 'encrypted' as const, target: ['preview' as const], gitBranch });

async function rawList(): Promise<{ envs: { key: string; type: string; target: string[]; lastEditedByDisplayName?: string }[]; pagination: Record<string, unknown> }> {
  const response = await fetch(`${vercel.url}/v10/projects/${PROJECT}/env`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return (await response.json()) as Awaited<ReturnType<typeof rawList>>;
}

describe('drift mode', () => {
  it('lists other variables with unknown type and target values, new fields and string pagination; the SDK throws on it', async () => {
    vercel.addEnv(PROJECT, { key: 'DATABASE_URL', value: 'postgres://x', gitBranch: 'feature/a' });
    vercel.setDrift(true);
    const raw = await rawList();
    expect(raw.pagination).toEqual({ count: '3', next: null, prev: '0' });
    expect(raw.envs.map((e) => [e.key, e.type, e.target])).toEqual([
      ['DATABASE_URL', 'encrypted', ['preview']],
      ['INTEGRATION_MANAGED_TOKEN', 'managed', ['production', 'preview']],
      ['STAGING_ONLY_FLAG', 'plain', ['preview', 'staging']],
    ]);
    expect(raw.envs.every((e) => e.lastEditedByDisplayName === 'preview-user')).toBe(true);

    const listed = await projectsFilterProjectEnvs(api, { idOrName: PROJECT, gitBranch: 'feature/a' });
    expect(listed.ok).toBe(false);
    if (listed.ok) return;
    expect(listed.error).toBeInstanceOf(ResponseValidationError);
    expect(String((listed.error as ResponseValidationError).cause)).toMatch(/Invalid enum value|Invalid input/);

    // Out of drift mode the same list parses.
    vercel.setDrift(false);
    const again = await projectsFilterProjectEnvs(api, { idOrName: PROJECT, gitBranch: 'feature/a' });
    expect(again.ok && 'envs' in again.value && again.value.envs.map((e) => e.key)).toEqual(['DATABASE_URL']);
  });

  it('answers an upsert 201 the SDK rejects (as in vercel/sdk#104), and the write has happened', async () => {
    vercel.setDrift(true);
    const result = await projectsCreateProjectEnv(api, { idOrName: PROJECT, upsert: 'true', requestBody: [preview('DATABASE_URL', 'postgres://u:pw@h/db', 'feature/a')] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(ResponseValidationError);
    const error = result.error as ResponseValidationError;
    expect(error.statusCode).toBe(201);
    expect(String(error.cause)).toMatch(/"failed"/);
    expect(JSON.parse(error.body) as Record<string, unknown>).toMatchObject({ created: [{ key: 'DATABASE_URL', gitBranch: 'feature/a' }] });
    expect(vercel.envs(PROJECT)).toEqual([expect.objectContaining({ key: 'DATABASE_URL', value: 'postgres://u:pw@h/db', gitBranch: 'feature/a' })]);
    // The same upsert again (what a client that took the 201 for a failure would do) updates in place.
    await projectsCreateProjectEnv(api, { idOrName: PROJECT, upsert: 'true', requestBody: [preview('DATABASE_URL', 'postgres://u:pw2@h/db', 'feature/a')] });
    expect(vercel.envs(PROJECT).map((e) => e.value)).toEqual(['postgres://u:pw2@h/db']);
  });

  it('sends pagination numbers as strings (vercel/sdk#30) and a deployment source the SDK does not know, which it rejects', async () => {
    const start = await startVercelStandIn({ drift: true });
    try {
      start.addDeployment(PROJECT, { branch: 'feature/a' });
      const raw = (await (await fetch(`${start.url}/v7/deployments?projectId=${PROJECT}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { pagination: unknown };
      expect(raw.pagination).toEqual({ count: '1', next: null, prev: '0' });
      const listed = await deploymentsGetDeployments(new VercelCore({ bearerToken: TOKEN, serverURL: start.url }), { projectId: PROJECT });
      expect(listed.ok).toBe(false);
      expect(start.standIn.violations).toEqual([]);
    } finally {
      await start.stop();
    }
  });
});
