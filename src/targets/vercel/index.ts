// The Vercel target as the registry knows it: its inputs, read here; its client, loaded when a
// run creates it.
import { InputError, optional, parseBoolean, parseUrl, required, show, token } from '../../input-values.js';
import { shareHeadBranch, type TargetDefinition } from '../target.js';

export interface VercelSettings {
  token: string;
  /** Project id (`prj_…`) or name. */
  project: string;
  /** Team id (`team_…`) or slug. */
  team?: string;
  /** Base URL without a trailing slash. */
  apiUrl: string;
  redeploy: boolean;
}

export const vercel: TargetDefinition<VercelSettings> = {
  name: 'vercel',
  label: 'Vercel',
  platform: 'Vercel',
  scopedByBranch: true,
  // Values are scoped to the head branch (two pull requests from one share them), each marked with its pull request.
  collides: (_settings, a, b) => shareHeadBranch(a, b),
  removesOnlyMarked: true,
  readSettings(read) {
    const secret = token(read, 'vercel_token', "when `targets` has vercel (a Vercel access token, from the account's Tokens page)");
    const project = required(read, 'vercel_project', 'when `targets` has vercel (the project id prj_… or its name)');
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(project)) throw new InputError('vercel_project', `${show(project)} is not a Vercel project id or name`);
    const team = optional(read, 'vercel_team');
    if (team !== undefined && !/^[A-Za-z0-9_-]{1,100}$/.test(team)) throw new InputError('vercel_team', `${show(team)} is not a Vercel team id (team_…) or slug`);
    return { token: secret, project, team, apiUrl: parseUrl(read, 'vercel_api_url', 'https://api.vercel.com'), redeploy: parseBoolean(read, 'vercel_redeploy', false) };
  },
  async create(settings, { session }) {
    const { VercelTarget } = await import('./target.js');
    return new VercelTarget(settings, session);
  },
};
