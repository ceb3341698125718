// The four stand-ins started together, as the demo, the soak, the benchmark and the end-to-end
// files that configure every target use them: Neon, Vercel with one project, Netlify, and GitHub
// serving the runner's repository; and the action's inputs that publish to all three targets.
import { REPOSITORY } from './action-runner.js';
import { startGitHubStandIn, type GitHubStandIn } from './github.js';
import { startNeonStandIn, type NeonStandInOptions, type NeonStandIn } from './neon.js';
import { startNetlifyStandIn, type NetlifyStandIn } from './netlify.js';
import type { StandIn } from './server.js';
import { startVercelStandIn, type VercelStandIn } from './vercel.js';

/** The one credential each stand-in accepts (GitHub's tokens are its own: `github.tokens`). */
export interface Credentials {
  neonKey: string;
  vercelToken: string;
  netlifyToken: string;
}

export interface PlatformOptions {
  /** How long each Neon operation runs; default 100 ms. */
  operationMs?: number;
  /** Latency added to every request of every stand-in; default none. */
  latencyMs?: number;
  /** Real Postgres behind every Neon branch (see `NeonStandInOptions.postgres`). */
  postgres?: NeonStandInOptions['postgres'];
  /** The Vercel project the inputs name; default `shop-web`. */
  vercelProject?: string;
}

export interface Platforms {
  neon: NeonStandIn;
  vercel: VercelStandIn;
  netlify: NetlifyStandIn;
  github: GitHubStandIn;
  /** The four request logs and fault switches, by platform name. */
  standIns: { Neon: StandIn; Vercel: StandIn; Netlify: StandIn; GitHub: StandIn };
  /** Inputs that create or delete with all three targets, the GitHub one with the token that may manage environments. */
  inputs(extra?: Record<string, string>): Record<string, string>;
  stop(): Promise<void>;
}

/** Starts the four at once. */
export async function startPlatforms(credentials: Credentials, options: PlatformOptions = {}): Promise<Platforms> {
  const { latencyMs } = options;
  const vercelProject = options.vercelProject ?? 'shop-web';
  const [neon, vercel, netlify, github] = await Promise.all([
    startNeonStandIn({ apiKeys: [credentials.neonKey], operationMs: options.operationMs ?? 100, latencyMs, postgres: options.postgres }),
    startVercelStandIn({ tokens: [credentials.vercelToken], projects: [{ name: vercelProject }], latencyMs }),
    startNetlifyStandIn({ tokens: [credentials.netlifyToken], latencyMs }),
    startGitHubStandIn({ repository: REPOSITORY, latencyMs }),
  ]);
  return {
    neon,
    vercel,
    netlify,
    github,
    standIns: { Neon: neon.standIn, Vercel: vercel.standIn, Netlify: netlify.standIn, GitHub: github.standIn },
    inputs: (extra = {}) => ({
      neon_api_key: credentials.neonKey,
      neon_project_id: neon.projectId,
      neon_api_url: neon.url,
      targets: 'vercel netlify github',
      vercel_token: credentials.vercelToken,
      vercel_project: vercelProject,
      vercel_api_url: vercel.url,
      netlify_token: credentials.netlifyToken,
      netlify_site_id: netlify.siteId,
      netlify_api_url: netlify.url,
      github_token: github.tokens.admin,
      ...extra,
    }),
    stop: async () => {
      await Promise.all([neon.stop(), vercel.stop(), netlify.stop(), github.stop()]);
    },
  };
}
