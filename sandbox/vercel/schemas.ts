// Checks of the Vercel stand-in's requests and answers with `@vercel/sdk`'s own zod schemas
// (Vercel ships no OpenAPI file in any npm package): each request is parsed with the schema the
// SDK builds it from, each 2xx body with the schema the SDK validates it with.
import { BatchRemoveProjectEnvRequest$outboundSchema } from '@vercel/sdk/models/batchremoveprojectenvop.js';
import { CreateProjectEnvRequest$outboundSchema } from '@vercel/sdk/models/createprojectenvop.js';
import { FilterProjectEnvsRequest$outboundSchema } from '@vercel/sdk/models/filterprojectenvsop.js';
import { GetDeploymentsRequest$outboundSchema } from '@vercel/sdk/models/getdeploymentsop.js';
import { GetProjectRequest$outboundSchema } from '@vercel/sdk/models/getprojecthas2.js';
import { RemoveProjectEnvRequest$outboundSchema } from '@vercel/sdk/models/removeprojectenvop.js';
import { CreateDeploymentRequest$outboundSchema } from '@vercel/sdk/models/responsebodyimages.js';
import type { RequestCheck } from '../server.js';

// ---------------------------------------------------------------------------------------------
// Request checks with the SDK's own request schemas

export interface Issue {
  path: (string | number)[];
  message: string;
  code?: string;
  unionErrors?: { issues: Issue[] }[];
}
export type Schema = { safeParse(value: unknown): { success: boolean; error?: { issues: Issue[] } } };

/** The keys of a zod object schema, also behind a `.transform()`. */
function schemaKeys(schema: unknown): string[] {
  let current = schema as { shape?: unknown; _def?: { schema?: unknown; shape?: () => unknown } } | undefined;
  for (let depth = 0; current && depth < 4; depth++) {
    const shape = typeof current._def?.shape === 'function' ? current._def.shape() : current.shape;
    if (shape && typeof shape === 'object') return Object.keys(shape);
    current = current._def?.schema as typeof current;
  }
  return [];
}

/** The problems, with full paths; for a union, those of the alternative that came closest. */
function leafIssues(list: Issue[], prefix: (string | number)[] = []): Issue[] {
  return list.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (!issue.unionErrors?.length) return [{ ...issue, path }];
    // Closest: the value had the alternative's shape at the union's level, then the fewest problems.
    const score = (alt: { issues: Issue[] }): number => {
      const leaves = leafIssues(alt.issues);
      return (leaves.some((i) => i.path.length === 0 && i.code === 'invalid_type') ? 1e6 : 0) + leaves.length;
    };
    const closest = issue.unionErrors.reduce((a, b) => (score(b) < score(a) ? b : a));
    return leafIssues(closest.issues, path);
  });
}

export function issues(schema: Schema, value: unknown): string[] {
  const result = schema.safeParse(value);
  return result.success ? [] : leafIssues(result.error?.issues ?? []).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
}

interface CheckedOperation {
  method: string;
  pattern: RegExp;
  /** Path parameter names, in order. */
  params: string[];
  schema: Schema;
  /** Query parameters that are numbers or booleans on the SDK side. */
  numbers?: string[];
  booleans?: string[];
  body: boolean;
}

const CHECKED: CheckedOperation[] = [
  { method: 'POST', pattern: /^\/v10\/projects\/([^/]+)\/env$/, params: ['idOrName'], schema: CreateProjectEnvRequest$outboundSchema, body: true },
  { method: 'GET', pattern: /^\/v10\/projects\/([^/]+)\/env$/, params: ['idOrName'], schema: FilterProjectEnvsRequest$outboundSchema, body: false },
  { method: 'DELETE', pattern: /^\/v9\/projects\/([^/]+)\/env\/([^/]+)$/, params: ['idOrName', 'id'], schema: RemoveProjectEnvRequest$outboundSchema, body: false },
  { method: 'DELETE', pattern: /^\/v1\/projects\/([^/]+)\/env$/, params: ['idOrName'], schema: BatchRemoveProjectEnvRequest$outboundSchema, body: true },
  { method: 'GET', pattern: /^\/v9\/projects\/([^/]+)$/, params: ['idOrName'], schema: GetProjectRequest$outboundSchema, body: false },
  {
    method: 'GET',
    pattern: /^\/v7\/deployments$/,
    params: [],
    schema: GetDeploymentsRequest$outboundSchema,
    numbers: ['from', 'limit', 'to', 'since', 'until'],
    booleans: ['rollbackCandidate'],
    body: false,
  },
  { method: 'POST', pattern: /^\/v13\/deployments$/, params: [], schema: CreateDeploymentRequest$outboundSchema, body: true },
];

/** Checks each request with the zod schema the SDK builds that request from. */
export class SdkSchemaCheck implements RequestCheck {
  check(req: Parameters<RequestCheck['check']>[0]): string[] {
    const operation = CHECKED.find((op) => op.method === req.method && op.pattern.test(req.path));
    if (!operation) return [];
    const match = operation.pattern.exec(req.path)!;
    const input: Record<string, unknown> = {};
    operation.params.forEach((name, i) => (input[name] = decodeURIComponent(match[i + 1]!)));
    const problems: string[] = [];
    const known = schemaKeys(operation.schema);
    for (const [key, raw] of Object.entries(req.query)) {
      if (!known.includes(key) || operation.params.includes(key) || key === 'requestBody') {
        problems.push(`unknown query parameter ${key}`);
        continue;
      }
      if (operation.numbers?.includes(key)) input[key] = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
      else if (operation.booleans?.includes(key)) input[key] = raw === 'true' ? true : raw === 'false' ? false : raw;
      else input[key] = raw;
    }
    if (operation.body) {
      if (req.body === undefined) problems.push('a JSON body is required');
      input.requestBody = req.body;
    }
    return [...problems, ...issues(operation.schema, input)];
  }
}
