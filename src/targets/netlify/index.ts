// The Netlify target as the registry knows it: its inputs, read here; its client, loaded when a
// run creates it.
import { InputError, parseBoolean, parseUrl, required, show, token } from '../../input-values.js';
import { shareHeadBranch, type TargetDefinition } from '../target.js';

export interface NetlifySettings {
  token: string;
  siteId: string;
  /** Base URL without a trailing slash. */
  apiUrl: string;
  redeploy: boolean;
}

export const netlify: TargetDefinition<NetlifySettings> = {
  name: 'netlify',
  label: 'Netlify',
  platform: 'Netlify',
  scopedByBranch: true,
  // Netlify's values name no pull request: two from one head branch share them.
  collides: (_settings, a, b) => shareHeadBranch(a, b),
  readSettings(read) {
    const secret = token(read, 'netlify_token', 'when `targets` has netlify (a Netlify personal access token)');
    const siteId = required(read, 'netlify_site_id', 'when `targets` has netlify (Site configuration → Site ID)');
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(siteId)) throw new InputError('netlify_site_id', `${show(siteId)} is not a Netlify site id`);
    return { token: secret, siteId, apiUrl: parseUrl(read, 'netlify_api_url', 'https://api.netlify.com/api/v1'), redeploy: parseBoolean(read, 'netlify_redeploy', false) };
  },
  async create(settings, { session }) {
    const { NetlifyTarget } = await import('./target.js');
    return new NetlifyTarget(settings, session);
  },
};
