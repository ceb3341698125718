// What the in-process Vercel tests share: the Vercel stand-in with a team, the target built from
// its definition (inputs read as a run reads them) under a real ApiSession, and the steps the
// commands take with it: prepare, publish, afterReady; remove; findManaged, removeManaged.
import { expect } from 'vitest';
import { startVercelStandIn, type StandInEnv, type VercelStandIn, type VercelStandInOptions } from '../../sandbox/vercel.js';
import { ApiSession } from '../../src/http/retry.js';
import type { PullRequestRef, Target, TargetReport } from '../../src/targets/target.js';
import { vercel as definition } from '../../src/targets/vercel/index.js';
import type { VercelListing } from '../../src/targets/vercel/sweep.js';
import type { VercelPrepared } from '../../src/targets/vercel/target.js';
import { DEFAULT_ENV_VARS, resolveVariables, type PublishedVariable, type VariableSource, type VariableSpec } from '../../src/variables.js';
import { coreLog } from '../setup-actions-core.js';

export const TOKEN = 'vercel-test-token';
export const OUTSIDER = 'outsider-token';
export const PASSWORD = 'pw-s3cret-value';
export const REPO = 'acme/shop';
export const BRANCH_REF = { id: 'br-1', name: 'preview/pr-7', consoleUrl: 'https://console.neon.tech/app/projects/p/branches/br-1' };
export const DEFAULT_KEYS = ['DATABASE_URL', 'DATABASE_URL_UNPOOLED', 'PGDATABASE', 'PGHOST', 'PGHOST_UNPOOLED', 'PGPASSWORD', 'PGUSER'];

/** The stand-in's requests, as the tests name them. */
export const PROJECT_READ = 'GET /v9/projects/prj_previewapp';
export const LIST = 'GET /v10/projects/prj_previewapp/env';
export const UPSERT = 'POST /v10/projects/prj_previewapp/env';
export const BATCH_DELETE = 'DELETE /v1/projects/prj_previewapp/env';
export const DEPLOYMENTS = 'GET /v7/deployments';
export const REDEPLOY = 'POST /v13/deployments';

export interface Run {
  pr?: number;
  head?: string;
  project?: string;
  team?: string;
  token?: string;
  redeploy?: boolean;
  /** `env_vars`; default the action's default mapping. */
  envVars?: string;
}

export type VercelTargetUnderTest = Target<VercelPrepared, VercelListing>;

function specsOf(text: string): VariableSpec[] {
  return text.split('\n').flatMap((line) => {
    const [name, source] = line.split('=');
    return name && source ? [{ name: name.trim(), source: source.trim() as VariableSource }] : [];
  });
}

/** `key@branch[targets] comment`, sorted: a project's values as a comparable list. */
export function summary(envs: StandInEnv[]): string[] {
  return envs.map((e) => `${e.key}@${e.gitBranch ?? '-'}[${e.target.join(',')}] ${e.comment ?? '(no comment)'}`).sort();
}

export class VercelHarness {
  private constructor(
    public vercel: VercelStandIn,
    public session: ApiSession,
  ) {}

  /** A personal project `preview-app` (`prj_previewapp`) and the team `acme`'s `team-app`. */
  static async start(options: VercelStandInOptions = {}): Promise<VercelHarness> {
    const vercel = await startVercelStandIn({ teams: [{ id: 'team_acme', slug: 'acme', members: [TOKEN] }], tokens: [TOKEN, OUTSIDER], ...options });
    vercel.addProject({ name: 'team-app', id: 'prj_teamapp', team: 'team_acme' });
    return new VercelHarness(vercel, new ApiSession(30_000));
  }

  /** Nothing the stand-in saw breaks the SDK's schemas; nothing logged shows a password or the token. */
  async stop(): Promise<void> {
    expect(this.vercel.standIn.violations).toEqual([]);
    for (const line of coreLog.filter((l) => !l.startsWith('::add-mask::'))) {
      expect(line).not.toContain(PASSWORD);
      expect(line).not.toContain(TOKEN);
    }
    await this.vercel.stop();
  }

  specs(run: Run = {}): VariableSpec[] {
    return specsOf(run.envVars ?? DEFAULT_ENV_VARS);
  }

  /** The target as a run builds it: the definition reads the inputs, then loads the client. */
  async target(run: Run = {}): Promise<VercelTargetUnderTest> {
    const inputs: Record<string, string> = {
      vercel_token: run.token ?? TOKEN,
      vercel_project: run.project ?? 'prj_previewapp',
      vercel_team: run.team ?? '',
      vercel_api_url: this.vercel.url,
      vercel_redeploy: run.redeploy ? 'true' : 'false',
    };
    const variables = this.specs(run);
    const settings = definition.readSettings((name) => inputs[name] ?? '', { variables, githubToken: '' });
    return (await definition.create(settings, { session: this.session, githubApiUrl: 'https://api.github.com', variables })) as VercelTargetUnderTest;
  }

  pr(run: Run = {}): PullRequestRef {
    return { repository: REPO, number: run.pr ?? 7, headRef: run.head ?? 'feature/a', headSha: 'a'.repeat(40) };
  }

  /** The PR's values as create would resolve them. */
  variables(run: Run = {}): PublishedVariable[] {
    const pr = run.pr ?? 7;
    const host = `ep-pr-${pr}.us-east-2.aws.neon.tech`;
    const pooled = `ep-pr-${pr}-pooler.us-east-2.aws.neon.tech`;
    return resolveVariables(this.specs(run), {
      branchId: `br-${pr}`,
      branchName: `preview/pr-${pr}`,
      database: 'neondb',
      role: 'neondb_owner',
      password: `${PASSWORD}-${pr}`,
      directUrl: `postgresql://neondb_owner:${PASSWORD}-${pr}@${host}/neondb?sslmode=require`,
      pooledUrl: `postgresql://neondb_owner:${PASSWORD}-${pr}@${pooled}/neondb?sslmode=require`,
      directHost: host,
      pooledHost: pooled,
    });
  }

  /** What create does with the target: prepare, publish, then afterReady's links and notes added to the report. */
  async publish(run: Run = {}, variables = this.variables(run)): Promise<TargetReport> {
    const target = await this.target(run);
    const pr = this.pr(run);
    const prepared = await target.prepare(pr);
    const report = await target.publish(prepared, pr, variables, BRANCH_REF);
    const after = await target.afterReady?.(prepared, pr);
    return after ? { ...report, links: [...report.links, ...after.links], notes: [...report.notes, ...after.notes] } : report;
  }

  async remove(run: Run = {}): Promise<TargetReport> {
    return (await this.target(run)).remove(
      this.pr(run),
      this.specs(run).map((s) => s.name),
    );
  }

  /** `METHOD /path` of the requests the stand-in received since `from`. */
  lines(from = 0): string[] {
    return this.vercel.standIn.requests.slice(from).map((r) => `${r.method} ${r.path}`);
  }

  /**
   * The requests since `from`: the first `reads.length` are the reads sent at once (in any order),
   * then `writes` in this order.
   */
  expectRequests(from: number, reads: string[], writes: string[]): void {
    const lines = this.lines(from);
    expect(lines.slice(0, reads.length).sort()).toEqual([...reads].sort());
    expect(lines.slice(reads.length)).toEqual(writes);
  }
}
