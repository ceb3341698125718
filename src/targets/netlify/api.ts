// Netlify's requests: paths and parameter names from `@netlify/api`'s table of Netlify's own
// description, sent with the one JSON client. The client's methods are not used: their retry loop
// cannot be switched off (it sleeps past the run's deadline, resends a create after a reset, and
// drops the rate-limit headers the policy waits on).
import { JsonClient, type JsonAnswer, type JsonRequest } from '../../http/json.js';
import type { ApiSession } from '../../http/retry.js';
import type { NetlifySettings } from './index.js';

export interface NetlifySite {
  id: string;
  name?: string;
  account_id?: string;
  account_slug?: string;
  admin_url?: string;
}

export interface EnvVarValue {
  id?: string;
  /** Absent or empty when Netlify hides it (values of secret variables). */
  value?: string;
  context?: string;
  context_parameter?: string;
}

export interface EnvVar {
  key: string;
  is_secret?: boolean;
  values?: EnvVarValue[];
}

export interface NewEnvVar {
  key: string;
  values: BranchValue[];
  is_secret?: boolean;
  scopes?: string[];
}

interface BranchValue {
  context: 'branch';
  context_parameter: string;
  value: string;
}

interface NetlifyBuild {
  id?: string;
  deploy_id?: string;
}

interface NetlifyDeploy {
  deploy_ssl_url?: string;
  admin_url?: string;
}

interface Operation {
  operationId: string;
  verb: string;
  path: string;
  parameters: { path?: Record<string, unknown>; query?: Record<string, unknown> };
}

type OperationId = 'getSite' | 'getEnvVars' | 'getEnvVar' | 'createEnvVars' | 'setEnvVarValue' | 'deleteEnvVarValue' | 'deleteEnvVar' | 'createSiteBuild' | 'getDeploy';
type Params = Record<string, string | undefined>;

interface Options {
  operation: string;
  body?: unknown;
  idempotent?: boolean;
  acceptStatus?: number[];
}

// Loaded on the first request: a run's start does not wait for the description.
let operations: Promise<Map<string, Operation>> | undefined;
function operationTable(): Promise<Map<string, Operation>> {
  operations ??= import('@netlify/api').then(({ methods }) => new Map((methods as Operation[]).map((op) => [op.operationId, op])));
  return operations;
}

export class NetlifyApi {
  private readonly client: JsonClient;
  private readonly siteId: string;
  private cachedSite?: Promise<NetlifySite>;

  constructor(settings: NetlifySettings, session: ApiSession) {
    this.client = new JsonClient('Netlify', settings.apiUrl, settings.token, session);
    this.siteId = settings.siteId;
    // Loaded now, while the run's first requests are out, not when the first Netlify request waits for it.
    operationTable().catch(() => {});
  }

  private async request<T>(operationId: OperationId, params: Params, options: Options): Promise<JsonAnswer<T> | undefined> {
    const op = (await operationTable()).get(operationId);
    if (!op) throw new Error(`Netlify: operation ${operationId} is missing from the bundled @netlify/api (a bug in neon-preview; please report it)`);
    const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
      const value = params[name];
      if (value === undefined) throw new Error(`Netlify: ${operationId} was asked for without its ${name} (a bug in neon-preview; please report it)`);
      return encodeURIComponent(value);
    });
    const query = Object.fromEntries(Object.keys(op.parameters.query ?? {}).map((name) => [name, params[name]]));
    return this.client.request<T>({ method: op.verb.toUpperCase() as JsonRequest['method'], path, query, ...options });
  }

  /** The configured site, read once per run (a failed read is tried again by the next caller). */
  site(): Promise<NetlifySite> {
    this.cachedSite ??= this.request<NetlifySite>('getSite', { site_id: this.siteId }, { operation: `get site ${this.siteId}` }).then((answer) => {
      const site = answer?.body;
      if (!site || typeof site !== 'object') throw new Error(`Netlify: get site ${this.siteId} answered without a site; check that \`netlify_api_url\` is Netlify's API`);
      return site;
    });
    this.cachedSite.catch(() => (this.cachedSite = undefined));
    return this.cachedSite;
  }

  // Not getSiteEnvVars: its path in the description holds /api/v1 twice.
  async listVariables(account: string): Promise<EnvVar[]> {
    const list = (await this.request<EnvVar[]>('getEnvVars', { account_id: account, site_id: this.siteId }, { operation: 'list site environment variables' }))?.body;
    if (!Array.isArray(list)) throw new Error("Netlify: list site environment variables answered without a list; check that `netlify_api_url` is Netlify's API");
    return list.filter((v) => v && typeof v.key === 'string');
  }

  /** The key as it is now; undefined when it is gone. */
  async getVariable(account: string, key: string): Promise<EnvVar | undefined> {
    return (await this.request<EnvVar>('getEnvVar', this.keyParams(account, key), { operation: `get ${key}`, acceptStatus: [404] }))?.body;
  }

  /** Adds or replaces the branch's value on an existing key; false when the key does not exist. */
  async setValue(account: string, key: string, value: BranchValue): Promise<boolean> {
    const answer = await this.request('setEnvVarValue', this.keyParams(account, key), { operation: `set ${key} for branch ${value.context_parameter}`, body: value, acceptStatus: [404] });
    return answer !== undefined;
  }

  async createVariable(account: string, envVar: NewEnvVar): Promise<void> {
    await this.request('createEnvVars', { account_id: account, site_id: this.siteId }, { operation: `create ${envVar.key}`, body: [envVar], idempotent: false });
  }

  /** False when the value was already gone. */
  async deleteValue(account: string, key: string, value: EnvVarValue): Promise<boolean> {
    const answer = await this.request(
      'deleteEnvVarValue',
      { ...this.keyParams(account, key), id: value.id },
      { operation: `delete ${key} value for branch ${value.context_parameter ?? ''}`, acceptStatus: [404] },
    );
    return answer !== undefined;
  }

  /** False when the key was already gone. */
  async deleteVariable(account: string, key: string): Promise<boolean> {
    return (await this.request('deleteEnvVar', this.keyParams(account, key), { operation: `delete ${key}`, acceptStatus: [404] })) !== undefined;
  }

  async startBuild(head: string, siteId = this.siteId): Promise<NetlifyBuild | undefined> {
    return (await this.request<NetlifyBuild>('createSiteBuild', { site_id: siteId, branch: head }, { operation: `start a build of branch ${head}`, idempotent: false }))?.body;
  }

  async getDeploy(deployId: string): Promise<NetlifyDeploy | undefined> {
    return (await this.request<NetlifyDeploy>('getDeploy', { deploy_id: deployId }, { operation: `get deploy ${deployId}`, acceptStatus: [404] }))?.body;
  }

  private keyParams(account: string, key: string): Params {
    return { account_id: account, key, site_id: this.siteId };
  }
}
