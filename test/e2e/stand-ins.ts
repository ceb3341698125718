// The four stand-ins of an end-to-end file that configures every target: Neon (operations of
// 100 ms), Vercel with the project `shop-web`, Netlify, and GitHub serving the runner's repository.
import { REPOSITORY } from '../../sandbox/action-runner.js';
import { startGitHubStandIn, type GitHubStandIn } from '../../sandbox/github.js';
import { startNeonStandIn, type NeonStandIn } from '../../sandbox/neon.js';
import { startNetlifyStandIn, type NetlifyStandIn } from '../../sandbox/netlify.js';
import { startVercelStandIn, type VercelStandIn } from '../../sandbox/vercel.js';

export interface AllStandIns {
  neon: NeonStandIn;
  vercel: VercelStandIn;
  netlify: NetlifyStandIn;
  github: GitHubStandIn;
  stop(): Promise<void>;
}

/** Starts the four at once, each accepting the one credential given. */
export async function startAllStandIns(credentials: { neonKey: string; vercelToken: string; netlifyToken: string }): Promise<AllStandIns> {
  const [neon, vercel, netlify, github] = await Promise.all([
    startNeonStandIn({ apiKeys: [credentials.neonKey], operationMs: 100 }),
    startVercelStandIn({ tokens: [credentials.vercelToken], projects: [{ name: 'shop-web' }] }),
    startNetlifyStandIn({ tokens: [credentials.netlifyToken] }),
    startGitHubStandIn({ repository: REPOSITORY }),
  ]);
  return {
    neon,
    vercel,
    netlify,
    github,
    stop: async () => {
      await Promise.all([neon.stop(), vercel.stop(), netlify.stop(), github.stop()]);
    },
  };
}
