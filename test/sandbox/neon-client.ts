// Shared by the Neon stand-in's test files: the real @neondatabase/api-client pointed at a stand-in,
// with every response it receives checked against the response schemas of Neon's description,
// a stand-in on a clock the test moves, and the status and body of a request that must fail.
import { createApiClient } from '@neondatabase/api-client';
import { OpenAPIBackend } from 'openapi-backend';
import { afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { readPackagedDescription } from '../../sandbox/api-description.js';
import { startNeonStandIn, type NeonStandIn, type NeonStandInOptions } from '../../sandbox/neon.js';

export const KEY = 'neon-test-key';
export const OP_MS = 50;
export const DAY_MS = 24 * 3600 * 1000;

export type Client = ReturnType<typeof createApiClient>;
export interface ErrorBody {
  code: string;
  message: string;
  request_id: string;
}

let responses: OpenAPIBackend | undefined;
const problems: string[] = [];

async function responseCheck(): Promise<OpenAPIBackend> {
  if (responses) return responses;
  const api = new OpenAPIBackend({
    definition: readPackagedDescription('@neondatabase/api-client/public-v2-for-users.gen.yaml') as never,
    quick: true,
    validate: true,
    strict: false,
    ajvOpts: { strict: false, validateFormats: true },
    customizeAjv: (ajv) => {
      ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
      ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
      for (const name of ['int', 'int32', 'int64', 'uint64', 'double', 'email', 'uri', 'binary']) ajv.addFormat(name, true);
      return ajv;
    },
  });
  await api.init();
  responses = api;
  return api;
}

function checkResponse(config: { method?: string; baseURL?: string; url?: string }, status: number, data: unknown): void {
  const path = new URL(`${config.baseURL ?? ''}${config.url ?? ''}`).pathname;
  const operation = responses!.matchOperation({ method: config.method ?? 'get', path, headers: {}, query: {} });
  if (!operation) {
    problems.push(`no operation for ${config.method ?? ''} ${path}`);
    return;
  }
  if (status === 204) {
    if (data !== '' && data !== undefined && data !== null) problems.push(`${operation.operationId} 204 has a body`);
    return;
  }
  const result = responses!.validateResponse(data, operation, status);
  if (!result.valid) problems.push(`${operation.operationId} ${status}: ${JSON.stringify(result.errors)}`);
}

/** The real Neon client on the stand-in; its responses are checked against the description. */
export function client(neon: NeonStandIn, apiKey: string | null = KEY): Client {
  const api = createApiClient({ apiKey, baseURL: neon.url });
  api.instance.interceptors.response.use(
    (res) => {
      checkResponse(res.config, res.status, res.data);
      return res;
    },
    (error: { config?: { method?: string; baseURL?: string; url?: string }; response?: { status: number; data: unknown } }) => {
      if (error.config && error.response) checkResponse(error.config, error.response.status, error.response.data);
      return Promise.reject(error as Error);
    },
  );
  return api;
}

/** The status and error body of a request that must fail. */
export async function failure(request: Promise<unknown>): Promise<{ status: number; data: ErrorBody; headers: Record<string, unknown> }> {
  try {
    await request;
  } catch (error) {
    const response = (error as { response?: { status: number; data: ErrorBody; headers: Record<string, unknown> } }).response;
    if (response) return response;
    throw error;
  }
  throw new Error('expected the request to fail');
}

export interface Fixture {
  neon: NeonStandIn;
  api: Client;
  /** Moves the stand-in's clock forward. */
  advance(ms: number): void;
  /** The stand-in's clock now. */
  now(): number;
  /** An RFC 3339 timestamp `days` from the stand-in's clock. */
  inDays(days: number): string;
}

/**
 * A fresh stand-in per test on a clock the test moves (operation timing never depends on how fast
 * the machine answers); after each test no response drifted from the description and no request
 * broke it.
 */
export function useNeon(options: NeonStandInOptions = {}): Fixture {
  let clock = 0;
  const fixture = {
    advance: (ms: number) => {
      clock += ms;
    },
    now: () => clock,
    inDays: (days: number) => new Date(clock + days * DAY_MS).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  } as Fixture;
  beforeAll(async () => {
    await responseCheck();
  });
  beforeEach(async () => {
    problems.length = 0;
    clock = Date.now();
    fixture.neon = await startNeonStandIn({ operationMs: OP_MS, now: () => clock, ...options });
    fixture.api = client(fixture.neon);
  });
  afterEach(async () => {
    await fixture.neon.stop();
    expect(problems).toEqual([]);
    expect(fixture.neon.standIn.violations).toEqual([]);
  });
  return fixture;
}
