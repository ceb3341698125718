// Netlify: the pull request's values as `branch` values (context_parameter = its head branch) of
// the site's environment variables, which other pull requests and contexts share key by key.
import { info } from '../../phases.js';
import { eachLimited } from '../../concurrency.js';
import type { ApiSession } from '../../http/retry.js';
import { note, type Note } from '../../note.js';
import type { PublishedVariable } from '../../variables.js';
import type { BranchRef, Link, Managed, ManagedGroup, PullRequestRef, ReportAddition, Target, TargetReport } from '../target.js';
import { NetlifyApi, type EnvVar, type NetlifySite } from './api.js';
import type { NetlifySettings } from './index.js';
import { entriesOf, removeFromListing, type NetlifyListing } from './sweep.js';
import { leftTheMapping, ownValues, removeOwnValues, writeValue } from './values.js';

/** Per-key requests in flight at once: the default mapping's 7 keys in one round trip (Netlify limits requests a minute, not in flight). */
const CONCURRENCY = 8;
const APP_URL = 'https://app.netlify.com';

/** What a publish reads first: the site, its account, and its variables as they were. */
interface NetlifyPrepared {
  head: string;
  site: NetlifySite;
  account: string;
  existing: EnvVar[];
}

export class NetlifyTarget implements Target<NetlifyPrepared, NetlifyListing> {
  readonly name = 'netlify';
  readonly label = 'Netlify';
  readonly platform = 'Netlify';
  /** Present with `netlify_redeploy`: a build of the head branch once the Neon branch is ready. */
  readonly afterReady?: (prepared: NetlifyPrepared, pr: PullRequestRef) => Promise<ReportAddition>;
  private readonly api: NetlifyApi;

  constructor(settings: NetlifySettings, session: ApiSession) {
    this.api = new NetlifyApi(settings, session);
    if (settings.redeploy) this.afterReady = (prepared) => this.startBuild(prepared);
  }

  async prepare(pr: PullRequestRef): Promise<NetlifyPrepared> {
    const head = requireHead(pr);
    const site = await this.api.site();
    const account = accountOf(site);
    return { head, site, account, existing: await this.api.listVariables(account) };
  }

  async publish({ head, site, account, existing }: NetlifyPrepared, _pr: PullRequestRef, variables: PublishedVariable[], branch: BranchRef): Promise<TargetReport> {
    const byKey = new Map(existing.map((v) => [v.key, v]));
    const notes: Note[] = [];
    let unchanged = 0;
    await eachLimited(variables, CONCURRENCY, async (variable) => {
      const current = byKey.get(variable.name);
      // Secret values read back empty: they are always written.
      if (current && !current.is_secret && !variable.secret && ownValues(current, head).some((v) => v.value === variable.value)) {
        unchanged++;
        return;
      }
      if (current && variable.secret && !current.is_secret) {
        notes.push(
          note`${variable.name} exists on the site as a plain (not secret) variable, so its value for branch ${head} is readable in the Netlify UI and API; mark the variable secret in Netlify to hide it (the action never rewrites a whole variable).`,
        );
      }
      await writeValue(this.api, account, variable, head, current !== undefined);
    });
    if (unchanged > 0) notes.push(note`${unchanged} value(s) were already up to date.`);

    const { dropped, kept } = leftTheMapping(existing, variables, branch, head);
    const removedNames: string[] = [];
    const emptied: string[] = [];
    await eachLimited(dropped, CONCURRENCY, async (envVar) => {
      const outcome = await removeOwnValues(this.api, account, envVar, head);
      if (outcome !== 'absent') removedNames.push(envVar.key);
      if (outcome === 'key-deleted') emptied.push(envVar.key);
    });
    if (kept.length > 0) {
      notes.push(
        note`Left the values for branch ${head} of ${kept.sort().join(', ')}: not in ${'env_vars'}, and secret or not naming this PR's Neon branch, so the action cannot tell whether it set them. Delete them in Netlify if it did.`,
      );
    }
    if (emptied.length > 0) notes.push(note`Deleted ${emptied.sort().join(', ')}: no other value was left in them.`);
    if (!this.afterReady) notes.push(note`Netlify applies these values to builds of branch ${head} (branch deploys); they reach a build started after this run.`);
    return { target: this.name, label: this.label, names: variables.map((v) => v.name), removedNames: removedNames.sort(), links: [envSettingsLink(site)], notes };
  }

  async remove(pr: PullRequestRef, names: string[]): Promise<TargetReport> {
    const head = requireHead(pr);
    const site = await this.api.site();
    const account = accountOf(site);
    const byKey = new Map((await this.api.listVariables(account)).map((v) => [v.key, v]));
    const held = names.filter((name) => ownValues(byKey.get(name) ?? { key: name }, head).length > 0);
    const absent = names.filter((name) => !held.includes(name));
    const removed: string[] = [];
    const emptied: string[] = [];
    await eachLimited(held, CONCURRENCY, async (name) => {
      const outcome = await removeOwnValues(this.api, account, byKey.get(name)!, head);
      (outcome === 'absent' ? absent : removed).push(name);
      if (outcome === 'key-deleted') emptied.push(name);
    });
    const notes: Note[] = [];
    if (emptied.length > 0) notes.push(note`Deleted ${emptied.sort().join(', ')}: no other value was left in them.`);
    if (absent.length > 0) notes.push(note`No value for branch ${head} in ${absent.sort().join(', ')} (already removed).`);
    return { target: this.name, label: this.label, names: removed.sort(), links: [envSettingsLink(site)], notes };
  }

  /** `repository` plays no part: the site is the one this repository's workflow configures. */
  async findManaged(_repository: string, names: string[]): Promise<Managed<NetlifyListing>> {
    const account = accountOf(await this.api.site());
    const wanted = new Set(names);
    const variables = (await this.api.listVariables(account)).filter((v) => wanted.has(v.key));
    const entries = entriesOf(variables);
    info(`Netlify: ${entries.length} branch(es) hold values of the mapping's keys`);
    return { entries, listing: { account, variables } };
  }

  removeManaged(listing: NetlifyListing | undefined, groups: ManagedGroup[]): Promise<void>[] {
    return listing ? removeFromListing(this.api, listing, groups) : groups.map(() => Promise.resolve());
  }

  /** A build of the head branch, which Netlify runs as a branch deploy. */
  private async startBuild({ head, site }: NetlifyPrepared): Promise<ReportAddition> {
    let build;
    try {
      build = await this.api.startBuild(head, site.id || undefined);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`${message}. The variables were published; start a build of branch ${head} in Netlify (or re-run) so a deploy picks them up.`, { cause: error });
    }
    const deployId = build?.deploy_id;
    if (!deployId) return { links: [], notes: [build?.id ? note`Started a Netlify build of branch ${head} (build ${build.id}).` : note`Started a Netlify build of branch ${head}.`] };
    const deploy = await this.api.getDeploy(deployId);
    const links: Link[] = [];
    if (deploy?.admin_url) links.push({ label: `Netlify deploy ${deployId}`, url: deploy.admin_url });
    if (deploy?.deploy_ssl_url) links.push({ label: `Branch deploy of ${head}`, url: deploy.deploy_ssl_url });
    return { links, notes: [note`Started a Netlify build of branch ${head} (deploy ${deployId}); it runs as a branch deploy with the new values.`] };
  }
}

function requireHead(pr: PullRequestRef): string {
  if (!pr.headRef) throw new Error("Netlify: the pull request's head branch is unknown, and Netlify scopes values by branch; set the `head_ref` input");
  return pr.headRef;
}

function accountOf(site: NetlifySite): string {
  const account = site.account_id || site.account_slug;
  if (!account) throw new Error(`Netlify: site ${site.id} came without its team (no account_id or account_slug); check that \`netlify_api_url\` is Netlify's API`);
  return account;
}

function envSettingsLink(site: NetlifySite): Link {
  const admin = site.admin_url && /^https:\/\//.test(site.admin_url) ? site.admin_url.replace(/\/+$/, '') : `${APP_URL}/sites/${encodeURIComponent(site.name ?? site.id)}`;
  return { label: 'Netlify environment variables', url: `${admin}/configuration/env` };
}
