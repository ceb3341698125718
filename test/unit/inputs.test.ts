import { describe, expect, it, vi } from 'vitest';

vi.mock('@actions/core', async (importOriginal) => ({ ...(await importOriginal<typeof import('@actions/core')>()), setSecret: vi.fn() }));

const { InputError, parseSettings, parseExpiresIn } = await import('../../src/inputs.js');
const { renderTemplate, sanitizeHead } = await import('../../src/input-values.js');
type EventInfo = import('../../src/inputs.js').EventInfo;
type Settings = import('../../src/inputs.js').Settings;

const REPO = 'acme/shop';

function prEvent(action: string, number = 7, extra: { headRepo?: string | null; headRef?: string } = {}): EventInfo {
  const headRepo = extra.headRepo === undefined ? REPO : extra.headRepo;
  return {
    eventName: 'pull_request',
    repository: REPO,
    apiUrl: 'https://api.github.com',
    payload: {
      action,
      number,
      pull_request: {
        number,
        head: { ref: extra.headRef ?? 'feature/login', sha: 'a'.repeat(40), repo: headRepo === null ? null : { full_name: headRepo } },
        base: { repo: { full_name: REPO } },
      },
    },
  };
}

const BASE: Record<string, string> = { neon_api_key: 'napi_secret', neon_project_id: 'young-sound-123456' };

function parse(inputs: Record<string, string>, event: EventInfo = prEvent('opened')) {
  const all = { ...BASE, ...inputs };
  return parseSettings((name) => all[name] ?? '', event);
}

function settings(inputs: Record<string, string> = {}, event?: EventInfo): Settings {
  const result = parse(inputs, event);
  if (result.command === 'skip' || result.command === 'sweep') throw new Error('unexpected command');
  return result;
}

describe('command and event', () => {
  it.each([
    ['opened', 'create'],
    ['reopened', 'create'],
    ['synchronize', 'create'],
    ['closed', 'delete'],
  ])('auto on a pull_request %s event runs %s', (action, command) => {
    expect(settings({}, prEvent(action)).command).toBe(command);
  });

  it('auto on pull_request_target behaves like pull_request', () => {
    expect(settings({}, { ...prEvent('closed'), eventName: 'pull_request_target' }).command).toBe('delete');
  });

  it('auto on any other event asks for an explicit command', () => {
    const push: EventInfo = { eventName: 'push', repository: REPO, apiUrl: '', payload: {} };
    expect(() => parse({}, push)).toThrow(/`command`.*neither a pull request event nor a schedule; set `command`/);
  });

  it('auto on a schedule sweeps, without a pull request', () => {
    const schedule: EventInfo = { eventName: 'schedule', repository: REPO, apiUrl: 'https://api.github.com', payload: { schedule: '0 3 * * *' } };
    const result = parse({ targets: 'netlify', netlify_token: 't', netlify_site_id: 's', github_token: 'ghs_x' }, schedule);
    expect(result).toMatchObject({ command: 'sweep', repository: REPO, neon: { projectId: 'young-sound-123456' } });
    expect((result as { targets: { definition: { name: string } }[] }).targets.map((t) => t.definition.name)).toEqual(['netlify']);
    expect(result).not.toHaveProperty('pr');
  });

  it('a sweep without a GitHub token fails naming github_token (it could tell no pull request closed)', () => {
    const schedule: EventInfo = { eventName: 'schedule', repository: REPO, apiUrl: 'https://api.github.com', payload: {} };
    expect(() => parse({ github_token: '' }, schedule)).toThrow(/^Input `github_token`: is required for sweep/);
  });

  it('an explicit command with pr_number works on workflow_dispatch', () => {
    const dispatch: EventInfo = { eventName: 'workflow_dispatch', repository: REPO, apiUrl: '', payload: {} };
    const s = settings({ command: 'delete', pr_number: '12', head_ref: 'x' }, dispatch);
    expect(s.command).toBe('delete');
    expect(s.pr).toMatchObject({ number: 12, headRef: 'x', repository: REPO });
  });

  it('skips a fork pull request that has no Neon key', () => {
    const result = parseSettings((name) => (name === 'neon_project_id' ? 'p' : ''), prEvent('opened', 3, { headRepo: 'someone/shop' }));
    expect(result).toEqual({ command: 'skip', reason: expect.stringContaining('fork (someone/shop)') });
  });

  it('a fork pull request with a key (pull_request_target) is skipped by default, with the input that allows it', () => {
    for (const action of ['opened', 'closed']) {
      const result = parse({}, { ...prEvent(action, 3, { headRepo: 'someone/shop' }), eventName: 'pull_request_target' });
      expect(result).toEqual({ command: 'skip', reason: expect.stringMatching(/fork \(someone\/shop\): skipped, as `fork_pull_requests: skip`.*Set `fork_pull_requests: allow`/) });
    }
  });

  it('fork_pull_requests: allow gives a fork a branch and outputs, never branch-scoped values on Vercel or Netlify', () => {
    const s = settings(
      { fork_pull_requests: 'allow', targets: 'vercel netlify github', vercel_token: 'v', vercel_project: 'p', netlify_token: 'n', netlify_site_id: 's', github_token: 'g' },
      prEvent('opened', 3, { headRepo: 'someone/shop', headRef: 'main' }),
    );
    expect(s.command).toBe('create');
    expect(s.targets.map((t) => t.definition.name)).toEqual(['github']);
    expect(s.skippedTargets.map((x) => x.target)).toEqual(['vercel', 'netlify']);
    expect(s.skippedTargets[0]!.reason).toMatch(/Vercel gets no values for a pull request from a fork/);
    expect(() => parse({ fork_pull_requests: 'sometimes' }, prEvent('opened', 3, { headRepo: 'someone/shop' }))).toThrow(/^Input `fork_pull_requests`: "sometimes" is not .*; expected skip or allow$/);
  });

  it('skips a Dependabot pull request, which runs without secrets, as a fork is skipped', () => {
    const dependabot = { ...prEvent('opened', 4), actor: 'dependabot[bot]' };
    expect(parseSettings((name) => (name === 'neon_project_id' ? 'p' : ''), dependabot)).toEqual({ command: 'skip', reason: expect.stringContaining('dependabot[bot]') });
    // With the repository's secrets (pull_request_target), it is a pull request like any other.
    expect(settings({}, dependabot).command).toBe('create');
  });

  it('a missing key on a same-repository PR is an error, not a skip', () => {
    expect(() => parse({ neon_api_key: '' })).toThrow(/^Input `neon_api_key`: is required \(a Neon API key, .*API keys in the Neon console\) but is empty$/);
  });
});

describe('values', () => {
  it('applies the contract defaults', () => {
    const s = settings();
    expect(s.neon).toMatchObject({
      apiUrl: 'https://console.neon.tech/api/v2',
      branchName: 'preview/pr-7',
      branchType: 'data',
      expiresInSeconds: 14 * 86400,
      suspendTimeoutSeconds: 0,
      parentBranch: undefined,
      database: undefined,
      role: undefined,
    });
    expect(s.variables.map((v) => `${v.name}=${v.source}`)).toEqual([
      'DATABASE_URL=pooled_url',
      'DATABASE_URL_UNPOOLED=direct_url',
      'PGHOST=pooled_host',
      'PGHOST_UNPOOLED=direct_host',
      'PGUSER=role',
      'PGDATABASE=database',
      'PGPASSWORD=password',
    ]);
    expect(s.targets).toEqual([]);
    expect(s.timeoutMs).toBe(300_000);
  });

  it('renders {pr} and a sanitised {head}', () => {
    expect(settings({ branch_name: 'pr-{pr}/{head}' }, prEvent('opened', 9, { headRef: 'feat/ünï@code#1' })).neon.branchName).toBe('pr-9/feat/-n--code-1');
    expect(sanitizeHead('a b@c/d.e_f-g')).toBe('a-b-c/d.e_f-g');
    expect(renderTemplate('x', '{pr}-{pr}', 4, '')).toBe('4-4');
  });

  it('applies env_prefix and reads comments and blank lines in env_vars', () => {
    const s = settings({ env_prefix: 'PRIMARY_', env_vars: '# the app\nDATABASE_URL = pooled_url\n\nMIGRATE_URL=direct_url\nPRISMA=prisma_url' });
    expect(s.variables).toEqual([
      { name: 'PRIMARY_DATABASE_URL', source: 'pooled_url' },
      { name: 'PRIMARY_MIGRATE_URL', source: 'direct_url' },
      { name: 'PRIMARY_PRISMA', source: 'prisma_url' },
    ]);
  });

  it('reads targets separated by commas, spaces or newlines, once each', () => {
    const s = settings({ targets: 'vercel, netlify\ngithub vercel', vercel_token: 't', vercel_project: 'p', netlify_token: 't', netlify_site_id: 's', github_token: 'g' });
    expect(s.targets.map((t) => t.definition.name)).toEqual(['vercel', 'netlify', 'github']);
  });

  it.each([
    ['0', 0],
    ['1h', 3600],
    ['720h', 720 * 3600],
    ['30d', 30 * 86400],
  ])('expires_in %s is %i seconds', (value, seconds) => {
    expect(parseExpiresIn(value)).toBe(seconds);
  });
});

describe('bad inputs fail naming the input', () => {
  const dispatch: EventInfo = { eventName: 'workflow_dispatch', repository: REPO, apiUrl: '', payload: {} };
  const cases: [string, Record<string, string>, string, EventInfo?][] = [
    ['missing neon_api_key', { neon_api_key: '' }, 'neon_api_key'],
    ['missing neon_project_id', { neon_project_id: '' }, 'neon_project_id'],
    ['project id with capitals', { neon_project_id: 'Young-Sound' }, 'neon_project_id'],
    ['project id too long', { neon_project_id: 'a'.repeat(61) }, 'neon_project_id'],
    ['project id with injection', { neon_project_id: '$(id)' }, 'neon_project_id'],
    ['unknown command', { command: 'nope' }, 'command'],
    ['command with shell characters', { command: 'create; rm -rf /' }, 'command'],
    ['unknown branch_type', { branch_type: 'foo' }, 'branch_type'],
    ['expires_in 45d', { expires_in: '45d' }, 'expires_in'],
    ['expires_in abc', { expires_in: 'abc' }, 'expires_in'],
    ['expires_in -1h', { expires_in: '-1h' }, 'expires_in'],
    ['expires_in 721h', { expires_in: '721h' }, 'expires_in'],
    ['expires_in 1.5d', { expires_in: '1.5d' }, 'expires_in'],
    ['branch_name renders empty', { branch_name: '   ' }, 'branch_name'],
    ['branch_name too long', { branch_name: `${'x'.repeat(255)}-{pr}` }, 'branch_name'],
    ['branch_name with a newline', { branch_name: 'pr-{pr}\nx' }, 'branch_name'],
    ['branch_name unknown placeholder', { branch_name: 'pr-{number}' }, 'branch_name'],
    ['branch_name the same for every PR', { branch_name: 'preview' }, 'branch_name'],
    ['github_environment the same for every PR', { targets: 'github', github_token: 'g', github_environment: 'staging' }, 'github_environment'],
    ['env_vars line without =', { env_vars: 'DATABASE_URL pooled_url' }, 'env_vars'],
    ['env_vars unknown source', { env_vars: 'DATABASE_URL=pooled' }, 'env_vars'],
    ['env_vars bad name', { env_vars: '1DB=pooled_url' }, 'env_vars'],
    ['env_vars duplicate', { env_vars: 'A=pooled_url\nA=direct_url' }, 'env_vars'],
    ['env_vars only comments', { env_vars: '# nothing' }, 'env_vars'],
    ['env_prefix with a dash', { env_prefix: 'MY-' }, 'env_prefix'],
    ['unknown target', { targets: 'vercel heroku', vercel_token: 't', vercel_project: 'p' }, 'targets'],
    ['timeout zero', { timeout: '0' }, 'timeout'],
    ['timeout negative', { timeout: '-5' }, 'timeout'],
    ['timeout words', { timeout: 'soon' }, 'timeout'],
    ['timeout too short to wait for anything', { timeout: '0.0001' }, 'timeout'],
    ['branch_name with a Unicode line separator', { branch_name: 'pr-{pr}\u2028x' }, 'branch_name'],
    ['branch_name with a right-to-left override', { branch_name: 'pr-{pr}\u202ex' }, 'branch_name'],
    ['pr_number zero', { pr_number: '0' }, 'pr_number'],
    ['pr_number negative', { pr_number: '-3' }, 'pr_number'],
    ['pr_number fraction', { pr_number: '1.5' }, 'pr_number'],
    ['no PR number at all', { command: 'create' }, 'pr_number', dispatch],
    ['suspend_timeout out of range', { suspend_timeout: '30' }, 'suspend_timeout'],
    ['neon_api_url not a URL', { neon_api_url: 'console.neon.tech' }, 'neon_api_url'],
    ['neon_api_url with credentials', { neon_api_url: 'https://u:p@example.com' }, 'neon_api_url'],
    ['vercel without token', { targets: 'vercel', vercel_project: 'p' }, 'vercel_token'],
    ['vercel without project', { targets: 'vercel', vercel_token: 't' }, 'vercel_project'],
    ['vercel_redeploy not boolean', { targets: 'vercel', vercel_token: 't', vercel_project: 'p', vercel_redeploy: 'yes' }, 'vercel_redeploy'],
    ['netlify without site', { targets: 'netlify', netlify_token: 't' }, 'netlify_site_id'],
    ['github without token', { targets: 'github', github_token: '' }, 'github_token'],
    ['github reserved name', { targets: 'github', github_token: 'g', env_vars: 'GITHUB_DB=pooled_url' }, 'env_vars'],
    ['github_environment bad characters', { targets: 'github', github_token: 'g', github_environment: 'pr {pr}!' }, 'github_environment'],
    ['database over 63 characters', { database: 'd'.repeat(64) }, 'database'],
    ['head_ref missing for vercel', { command: 'create', pr_number: '3', targets: 'vercel', vercel_token: 't', vercel_project: 'p' }, 'head_ref', dispatch],
  ];

  it.each(cases)('%s', (_title, inputs, input, event) => {
    let error: unknown;
    try {
      parse(inputs, event);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InstanceType<typeof InputError>).input).toBe(input);
    const message = (error as Error).message;
    expect(message.startsWith(`Input \`${input}\`: `)).toBe(true);
    expect(message).not.toContain('\n');
    expect(message).not.toContain('napi_secret');
  });

  it('never shows a token in a message', () => {
    expect(() => parse({ targets: 'vercel', vercel_token: 'vercel_secret_token' })).toThrow(/vercel_project/);
    try {
      parse({ targets: 'vercel', vercel_token: 'vercel_secret_token' });
    } catch (e) {
      expect((e as Error).message).not.toContain('vercel_secret_token');
    }
  });
});

describe('what is caught before any request', () => {
  it.each([
    ['neon_api_key', { neon_api_key: 'napi_first\nsecond' }],
    ['github_token', { github_token: 'ghp_a\rb' }],
    ['vercel_token', { targets: 'vercel', vercel_token: 'tok\u0085en', vercel_project: 'p' }],
    ['netlify_token', { targets: 'netlify', netlify_token: 'tok\ten', netlify_site_id: 's' }],
  ])('a %s with a line break or control character is refused, naming the input and never showing it', (input, values) => {
    const error = (() => {
      try {
        parse(values as Record<string, string>);
      } catch (e) {
        return e as Error;
      }
      throw new Error('accepted');
    })();
    expect(error.message).toMatch(new RegExp(`^Input \`${input}\`: contains a line break or another control character`));
    expect(error.message).not.toContain((values as Record<string, string>)[input]);
  });

  it.each(['feat x..y', 'a..b', 'x~1', 'x^2', 'a:b', 'what?', 'a*', 'a[b', 'a\\b', '/a', 'a/', 'a.', 'a//b', 'a/.b', 'a.lock', '@', 'x@{1}', '-x'])('head_ref %j is not a git branch name', (head) => {
    expect(() => parse({ head_ref: head })).toThrow(/^Input `head_ref`: .* is not a git branch name: it /);
  });

  it('accepts the branch names git does', () => {
    for (const head of ['feature/login', 'fix#12', 'ünï/code', 'release-1.2', 'user@x', 'a.b/c-d_e']) expect(settings({ head_ref: head }).pr.headRef).toBe(head);
  });

  it('counts a database or role name in bytes, as Postgres does (63 at most)', () => {
    expect(() => parse({ database: 'ä'.repeat(40) })).toThrow(/^Input `database`: .* of at most 63 bytes/);
    expect(() => parse({ role: 'r'.repeat(64) })).toThrow(/^Input `role`: /);
    expect(settings({ database: 'ä'.repeat(31) }).neon.database).toBe('ä'.repeat(31));
  });

  it('refuses a pull request number GitHub cannot have', () => {
    expect(() => parse({ pr_number: '9999999999' })).toThrow(/^Input `pr_number`: "9999999999" is not a pull request number; expected a whole number from 1 to 2147483647$/);
    expect(settings({ pr_number: '2147483647' }).pr.number).toBe(2147483647);
  });

  it('refuses an API base URL with a query or fragment, naming the input', () => {
    expect(() => parse({ neon_api_url: 'https://proxy.example/api/v2?token=x' })).toThrow(/^Input `neon_api_url`: .* must be a base URL without a query or fragment/);
    expect(() => parse({ targets: 'vercel', vercel_token: 't', vercel_project: 'p', vercel_api_url: 'https://api.vercel.com#x' })).toThrow(/^Input `vercel_api_url`: /);
  });

  it('preview_password is rotate by default, inherit on request, and nothing else', () => {
    expect(settings().neon.previewPassword).toBe('rotate');
    expect(settings({ preview_password: 'inherit' }).neon.previewPassword).toBe('inherit');
    expect(() => parse({ preview_password: 'maybe' })).toThrow(/^Input `preview_password`: "maybe" is not a password policy; expected rotate or inherit$/);
  });
});
