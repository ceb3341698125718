// Checks requests against a published OpenAPI 3 description (openapi-backend does the routing
// and the JSON Schema validation). Swagger 2.0 descriptions are converted to OpenAPI 3 first.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { OpenAPIBackend } from 'openapi-backend';
import { parse as parseYaml } from 'yaml';
import type { RequestCheck } from './server.js';

const require = createRequire(import.meta.url);

/** Reads a description file shipped in an npm package (`package/path/in/package`). */
export function readPackagedDescription(specifier: string): Record<string, unknown> {
  const file = require.resolve(specifier);
  const text = readFileSync(file, 'utf8');
  return (file.endsWith('.json') ? JSON.parse(text) : parseYaml(text)) as Record<string, unknown>;
}

export interface DescriptionCheckOptions {
  /** Paths of the description are matched below this root (e.g. `/api/v1`); default `/`. */
  apiRoot?: string;
  /** Operations the stand-in serves although the description lacks them (`METHOD /path`). */
  undocumented?: RegExp[];
}

export class DescriptionCheck implements RequestCheck {
  private constructor(
    private readonly api: OpenAPIBackend,
    private readonly undocumented: RegExp[],
  ) {}

  static async create(definition: Record<string, unknown>, options: DescriptionCheckOptions = {}): Promise<DescriptionCheck> {
    const api = new OpenAPIBackend({
      definition: definition as never,
      apiRoot: options.apiRoot ?? '/',
      validate: true,
      strict: false,
      // quick: skip validating the description itself (Neon's has $ref siblings) and compile lazily.
      quick: true,
      ajvOpts: { strict: false, validateFormats: false },
    });
    await api.init();
    return new DescriptionCheck(api, options.undocumented ?? []);
  }

  check(req: Parameters<RequestCheck['check']>[0]): string[] {
    if (this.undocumented.some((re) => re.test(`${req.method} ${req.path}`))) return [];
    const request = { method: req.method.toLowerCase(), path: req.path, query: req.query, headers: req.headers as Record<string, string | string[]>, body: req.body };
    const operation = this.api.matchOperation(request);
    if (!operation) return ['no such operation in the API description'];
    const result = this.api.validateRequest(request, operation);
    if (result.valid) return [];
    return (result.errors ?? []).map((e) => `${e.instancePath || e.schemaPath} ${e.message ?? 'is invalid'}`);
  }
}
