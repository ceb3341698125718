// The stand-ins the benchmark runs against (sandbox/platforms.ts starts them: the one list of
// platforms), each with the tracer attached; the sweep's project seeded as create runs leave it;
// and what the targets hold for a pull request, for the checks.
import { REPOSITORY } from '../../sandbox/action-runner.js';
import { startPlatforms, type Platforms } from '../../sandbox/platforms.js';
import { Tracer, type Platform } from './measures.js';

const NEON_KEY = 'napi_bench_key_00000000000000000';
const VERCEL_TOKEN = 'vercel_bench_token_000000000000';
const NETLIFY_TOKEN = 'netlify_bench_token_00000000000';
export const VERCEL_PROJECT = 'shop-web';

export interface BenchPlatforms extends Platforms {
  tracer: Tracer;
  /** The stand-ins' names, in sandbox/platforms.ts's order. */
  names: Platform[];
}

export async function startBenchPlatforms(operationMs: number): Promise<BenchPlatforms> {
  const p = await startPlatforms({ neonKey: NEON_KEY, vercelToken: VERCEL_TOKEN, netlifyToken: NETLIFY_TOKEN }, { operationMs, vercelProject: VERCEL_PROJECT });
  const tracer = new Tracer();
  const names = Object.keys(p.standIns) as Platform[];
  for (const name of names) tracer.attach(name, p.standIns[name]);
  return { ...p, tracer, names };
}

export function setLatency(p: BenchPlatforms, ms: number): void {
  for (const name of p.names) p.standIns[name].setLatency(ms);
}

/** Requests any stand-in saw outside its platform's API description: the benchmark fails on one. */
export function violations(p: BenchPlatforms): string[] {
  return p.names.flatMap((name) => p.standIns[name].violations.map((v) => `${name}: ${v}`));
}

export const head = (pr: number): string => `feature/bench-${pr}`;
export const sweepHead = (pr: number): string => `feature/sweep-${pr}`;
export const sha = (pr: number, push: number): string => `${String(push).padStart(4, '0')}${String(pr).padStart(8, '0')}${'e'.repeat(28)}`;

/** The default env_vars mapping: [name, secret]. */
export const MAPPING: [string, boolean][] = [
  ['DATABASE_URL', true],
  ['DATABASE_URL_UNPOOLED', true],
  ['PGHOST', false],
  ['PGHOST_UNPOOLED', false],
  ['PGUSER', false],
  ['PGDATABASE', false],
  ['PGPASSWORD', true],
];

/** The mapping's keys, secret ones and plain ones (the request budgets count in these). */
export const KEYS = { all: MAPPING.length, secret: MAPPING.filter(([, s]) => s).length, plain: MAPPING.filter(([, s]) => !s).length };

/** What each target holds as PGPASSWORD for the pull request (undefined where it holds none). */
export function publishedPasswords(p: BenchPlatforms, pr: number, headRef: string): Record<'Vercel' | 'Netlify' | 'GitHub', string | undefined> {
  return {
    Vercel: p.vercel.envs(VERCEL_PROJECT).find((e) => e.gitBranch === headRef && e.key === 'PGPASSWORD')?.value,
    Netlify: p.netlify.valueOf('PGPASSWORD', 'branch', headRef),
    GitHub: p.github.secretPlaintext(`pr-${pr}`, 'PGPASSWORD'),
  };
}

/** How many of the mapping's values each target holds for the pull request. */
export function publishedCounts(p: BenchPlatforms, pr: number, headRef: string): Record<'Vercel' | 'Netlify' | 'GitHub', number> {
  const env = p.github.environment(`pr-${pr}`);
  return {
    Vercel: p.vercel.envs(VERCEL_PROJECT).filter((e) => e.gitBranch === headRef).length,
    Netlify: MAPPING.filter(([key]) => p.netlify.valueOf(key, 'branch', headRef) !== undefined).length,
    GitHub: env ? env.secretNames.length + Object.keys(env.variables).length : 0,
  };
}

/** One pull request's leftovers, as a create run leaves them: Neon branch, Vercel, Netlify, GitHub. */
export async function seedPullRequest(p: BenchPlatforms, pr: number, state: 'open' | 'closed'): Promise<void> {
  const headRef = sweepHead(pr);
  const branch = p.neon.addBranch({ name: `preview/pr-${pr}`, annotations: { 'managed-by': 'neon-preview', 'github-repo': REPOSITORY, 'github-pr': String(pr), 'github-head-ref': headRef } });
  const endpoint = branch.endpoints[0]!.id;
  const values: Record<string, string> = {
    DATABASE_URL: `postgresql://neondb_owner:npg_seeded@${endpoint}-pooler.c-2.us-east-2.aws.neon.tech/neondb?sslmode=require`,
    DATABASE_URL_UNPOOLED: `postgresql://neondb_owner:npg_seeded@${endpoint}.c-2.us-east-2.aws.neon.tech/neondb?sslmode=require`,
    PGHOST: `${endpoint}-pooler.c-2.us-east-2.aws.neon.tech`,
    PGHOST_UNPOOLED: `${endpoint}.c-2.us-east-2.aws.neon.tech`,
    PGUSER: 'neondb_owner',
    PGDATABASE: 'neondb',
    PGPASSWORD: 'npg_seeded',
  };
  for (const [key, secret] of MAPPING) {
    p.vercel.addEnv(VERCEL_PROJECT, { key, value: values[key]!, type: secret ? 'sensitive' : 'encrypted', target: ['preview'], gitBranch: headRef, comment: `neon-preview ${REPOSITORY}#${pr}` });
    p.netlify.setValue(key, { context: 'branch', contextParameter: headRef, value: values[key]!, secret });
  }
  const secrets = Object.fromEntries(MAPPING.filter(([, s]) => s).map(([k]) => [k, values[k]!]));
  const variables = Object.fromEntries(MAPPING.filter(([, s]) => !s).map(([k]) => [k, values[k]!]));
  p.github.seedEnvironment(`pr-${pr}`, { secrets, variables });
  p.github.setPullRequest(pr, { state, headRef });
  if (state === 'closed') {
    // Its deployment, as the create run recorded it (the sweep retires it).
    const api = `${p.github.url}/repos/${REPOSITORY}`;
    const headers = { authorization: `Bearer ${p.github.tokens.admin}`, 'content-type': 'application/json', accept: 'application/vnd.github+json' };
    const made = await fetch(`${api}/deployments`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        ref: sha(pr, 1),
        environment: `pr-${pr}`,
        transient_environment: true,
        production_environment: false,
        auto_merge: false,
        required_contexts: [],
        description: `Neon branch preview/pr-${pr}`,
      }),
    });
    const { id } = (await made.json()) as { id: number };
    const status = await fetch(`${api}/deployments/${id}/statuses`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ state: 'success', environment_url: 'https://console.neon.tech/', auto_inactive: true }),
    });
    if (status.status !== 201) throw new Error(`seeding a deployment status failed: HTTP ${status.status}`);
  }
}

/** Pull requests of the sweep's project: every (branches / closed)-th one is closed, the rest open. */
export function sweepPulls(branches: number, closed: number): { open: number[]; closed: number[] } {
  const all = Array.from({ length: branches }, (_, i) => 1001 + i);
  const step = closed > 0 ? branches / closed : Infinity;
  const closedSet = new Set(Array.from({ length: closed }, (_, i) => all[Math.floor(i * step)]!));
  return { open: all.filter((n) => !closedSet.has(n)), closed: all.filter((n) => closedSet.has(n)) };
}
