export const id = 392;
export const ids = [392];
export const modules = {

/***/ 7392:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  GitHubTarget: () => (/* binding */ GitHubTarget),
  webUrlFor: () => (/* binding */ webUrlFor)
});

// EXTERNAL MODULE: ./src/concurrency.ts
var concurrency = __webpack_require__(1532);
// EXTERNAL MODULE: ./src/note.ts
var note = __webpack_require__(4215);
// EXTERNAL MODULE: ./src/http/pages.ts
var pages = __webpack_require__(9164);
// EXTERNAL MODULE: ./src/http/failure.ts
var http_failure = __webpack_require__(2398);
// EXTERNAL MODULE: ./src/targets/github/index.ts
var github = __webpack_require__(4748);
;// CONCATENATED MODULE: ./src/targets/github/permissions.ts
const ENV = '/environments/{environment_name}';
/** Every request the target makes. */
const REQUESTS = {
    'list environments': { method: 'GET', path: '/environments', permission: 'actions', access: 'read', classic: 'repo' },
    'get environment': { method: 'GET', path: ENV, permission: 'actions', access: 'read', classic: 'repo' },
    'create environment': { method: 'PUT', path: ENV, permission: 'administration', access: 'write', classic: 'repo' },
    'delete environment': { method: 'DELETE', path: ENV, permission: 'administration', access: 'write', classic: 'repo' },
    'get public key': { method: 'GET', path: `${ENV}/secrets/public-key`, permission: 'environments', access: 'read', classic: 'repo' },
    'list secrets': { method: 'GET', path: `${ENV}/secrets`, permission: 'environments', access: 'read', classic: 'repo' },
    'set secret': { method: 'PUT', path: `${ENV}/secrets/{secret_name}`, permission: 'environments', access: 'write', classic: 'repo' },
    'delete secret': { method: 'DELETE', path: `${ENV}/secrets/{secret_name}`, permission: 'environments', access: 'write', classic: 'repo' },
    'list variables': { method: 'GET', path: `${ENV}/variables`, permission: 'environments', access: 'read', classic: 'repo' },
    'create variable': { method: 'POST', path: `${ENV}/variables`, permission: 'environments', access: 'write', classic: 'repo' },
    'update variable': { method: 'PATCH', path: `${ENV}/variables/{name}`, permission: 'environments', access: 'write', classic: 'repo' },
    'delete variable': { method: 'DELETE', path: `${ENV}/variables/{name}`, permission: 'environments', access: 'write', classic: 'repo' },
    'list deployments': { method: 'GET', path: '/deployments', permission: 'deployments', access: 'read', classic: 'repo' },
    'create deployment': { method: 'POST', path: '/deployments', permission: 'deployments', access: 'write', classic: 'repo or repo_deployment' },
    'set deployment status': { method: 'POST', path: '/deployments/{deployment_id}/statuses', permission: 'deployments', access: 'write', classic: 'repo or repo_deployment' },
    'delete deployment': { method: 'DELETE', path: '/deployments/{deployment_id}', permission: 'deployments', access: 'write', classic: 'repo or repo_deployment' },
};
/** What the whole target needs, for a token made for it. */
const TARGET_NEEDS = 'Actions: read, Administration: write, Environments: write and Deployments: write';
/** Permissions the workflow's GITHUB_TOKEN can never be given. */
const NEVER_IN_WORKFLOW_TOKEN = new Set(['administration', 'environments']);
const LABELS = { pull_requests: 'Pull requests', repository_projects: 'Projects' };
/** `pull_requests=write` as GitHub's settings page names it: "Pull requests: write". */
function label(name, access) {
    const title = LABELS[name] ?? `${name.charAt(0).toUpperCase()}${name.slice(1).replace(/_/g, ' ')}`;
    return `${title}: ${access}`;
}
/**
 * The sets of permissions an `x-accepted-github-permissions` value accepts: sets separated by `;`
 * (any one of them will do), the permissions of one set by `,` (all of them), each `name=level`
 * (GitHub changelog 2023-08-10). Empty when the header is absent or unreadable.
 */
function acceptedSets(header) {
    if (!header)
        return [];
    const sets = header.split(';').map((set) => set
        .split(',')
        .map((part) => part.trim().split('='))
        .filter((pair) => !!pair[0] && !!pair[1] && /^[a-z_]+$/.test(pair[0]) && /^[a-z]+$/.test(pair[1])));
    return sets.every((set) => set.length > 0) ? sets : [];
}
function describeSets(sets) {
    return sets.map((set) => set.map(([name, access]) => label(name, access)).join(' and ')).join(' or ');
}
/**
 * Why a 403 that is no rate limit refused `request`, and what to do, in one sentence each: the
 * permission from GitHub's answer (its header), else from the table; which token can never have it.
 */
function forbiddenHelp(request, failure) {
    const need = REQUESTS[request];
    const fromHeader = acceptedSets(failure.headers['x-accepted-github-permissions']);
    const sets = fromHeader.length > 0 ? fromHeader : [[[need.permission, need.access]]];
    const missing = describeSets(sets);
    // Every accepted set holds a permission the workflow's token cannot have.
    const never = sets.every((set) => set.some(([name]) => NEVER_IN_WORKFLOW_TOKEN.has(name)));
    const lacks = `The token in \`github_token\` lacks ${missing}, which this request needs${never ? " and which the workflow's GITHUB_TOKEN can never have" : ''}`;
    if (need.permission === 'deployments') {
        const key = `deployments: ${need.access}`;
        return `${lacks}: grant it to the fine-grained token or GitHub App (a classic token needs the ${need.classic} scope; the workflow's GITHUB_TOKEN needs \`${key}\` under \`permissions:\`)`;
    }
    // Said once: the clause above, or here.
    const workflowToken = never ? '' : "; the workflow's GITHUB_TOKEN can never manage environments";
    return (`${lacks}. The github target needs a fine-grained personal access token or GitHub App token with ${TARGET_NEEDS} ` +
        `(a classic token needs the repo scope${workflowToken}): store it as a secret and pass it as \`github_token: \${{ secrets.NEON_PREVIEW_GITHUB_TOKEN }}\``);
}
/** GitHub's refusal of environments on a private repository of a Free plan. */
function isPlanRefusal(failure) {
    return failure.status === 403 && /upgrade to github (pro|team|enterprise)|make this repository public/i.test(failure.message);
}
function planHelp(repository) {
    return `Environments on a private repository need GitHub Pro, Team or Enterprise: make ${repository} public, upgrade its owner's plan, or drop \`github\` from \`targets\``;
}
const BAD_CREDENTIALS_HELP = 'The token in `github_token` is not valid (expired, revoked or mistyped): create a new one and update the secret that holds it';

;// CONCATENATED MODULE: ./src/targets/github/calls.ts




/** Calls in flight at once (GitHub's secondary rate limit punishes bursts of writes). */
const CONCURRENCY = 4;
const MAX_PAGES = 100;
function splitRepository(repository) {
    const [owner, repo, ...rest] = repository.split('/');
    if (!owner || !repo || rest.length > 0)
        throw new Error(`GitHub: "${repository}" is not an owner/repo repository name`);
    return { owner, repo };
}
function repositoryHelp(owner, repo) {
    return `GitHub answers 404 when the token in \`github_token\` cannot see ${owner}/${repo}: give it access to this repository`;
}
/** The run's Octokit under the run's session. */
class GitHubApi {
    octokit;
    session;
    constructor(octokit, session) {
        this.octokit = octokit;
        this.session = session;
    }
    /**
     * One request to `at`: `request` names it in the permission table, `operation` in the log and
     * errors. Resolves undefined for a status in `acceptStatus`.
     */
    async call(at, request, operation, send, spec = {}) {
        const { notFound, ...options } = spec;
        try {
            return await this.session.call({ platform: github/* github */.M.platform, operation, ...options }, send);
        }
        catch (error) {
            if (!(error instanceof http_failure/* ApiError */.hD))
                throw error;
            const failure = error.failure;
            let detail;
            if (failure.status === 401)
                detail = BAD_CREDENTIALS_HELP;
            else if (isPlanRefusal(failure))
                detail = planHelp(`${at.owner}/${at.repo}`);
            else if (failure.status === 403 && !(0,http_failure/* isRateLimited403 */.CG)(failure))
                detail = forbiddenHelp(request, failure);
            else if (failure.status === 404 && notFound)
                detail = notFound;
            if (!detail)
                throw error;
            throw new http_failure/* ApiError */.hD(error.platform, error.operation, failure, error.attempts, error.outcomeUnknown, detail);
        }
    }
    /** A request whose answer is needed (no `acceptStatus`): it never resolves empty. */
    async must(at, request, operation, send, spec = {}) {
        return (await this.call(at, request, operation, send, spec));
    }
    /** Every page of a list (page 1, then the rest at once; see `allPages`), one request per page. */
    list(at, request, operation, fetchPage, spec = {}) {
        const page = (n) => this.must(at, request, n === 1 ? operation : `${operation} (page ${n})`, (signal) => fetchPage(n, signal), spec);
        return (0,pages/* allPages */.S)(page, { maxPages: MAX_PAGES, concurrency: CONCURRENCY });
    }
}

;// CONCATENATED MODULE: ./src/targets/github/deployments.ts
// The deployment that shows the environment on the pull request: one of the head commit, with a
// `success` status linking the Neon branch; every earlier one to the environment is marked
// inactive and deleted, so exactly one stays (GitHub's auto_inactive skips transient deployments).
// Two runs for one pull request at once converge on the newer deployment.




const PER_PAGE = 100;
const DESCRIPTION_MAX = 140;
/** Times a deployment is marked inactive and deleted before a 422 on its delete is a failure. */
const RETIRE_ROUNDS = 3;
function truncate(text, max) {
    return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
/**
 * Records a deployment of the head commit; its success status is set once `written` says the
 * values are in place, while every earlier deployment is retired. Listing after our own
 * deployment exists makes two runs at once converge on the newest. Returns notes.
 */
async function recordDeployment(api, at, pr, branch, written) {
    const { owner, repo, environment: env } = at;
    const ref = pr.headSha || pr.headRef;
    if (!ref)
        return [(0,note/* note */.N4) `No deployment recorded: the pull request's head commit is unknown (set ${'head_ref'}).`];
    const description = truncate(`Neon branch ${branch.name}`, DESCRIPTION_MAX);
    let response;
    try {
        // A repeated create is harmless: the extra deployment is older than ours and retired below.
        response = await api.must(at, 'create deployment', `create deployment to ${env}`, (signal) => api.octokit.rest.repos.createDeployment({
            owner,
            repo,
            ref,
            environment: env,
            transient_environment: true,
            production_environment: false,
            auto_merge: false,
            required_contexts: [],
            description,
            request: { signal },
        }));
    }
    catch (error) {
        // The values are in place; a ref GitHub cannot deploy only costs the PR page its link.
        if (error instanceof http_failure/* ApiError */.hD && (error.status === 409 || error.status === 422))
            return [(0,note/* note */.N4) `No deployment recorded: ${error.message}`];
        throw error;
    }
    const data = response.data;
    if (response.status !== 201 || typeof data.id !== 'number')
        return [(0,note/* note */.N4) `No deployment recorded: GitHub answered ${response.status} (${data.message ?? 'no deployment'}).`];
    const id = data.id;
    const [status, earlier] = await Promise.all([
        // 404: another run for this PR at the same time (a newer create, or a delete) already retired it.
        written.then(() => api.call(at, 'set deployment status', `set status of deployment ${id}`, (signal) => api.octokit.rest.repos.createDeploymentStatus({
            owner,
            repo,
            deployment_id: id,
            state: 'success',
            environment_url: branch.consoleUrl,
            description,
            auto_inactive: true,
            request: { signal },
        }), { acceptStatus: [404] })),
        listDeployments(api, at).then(async (ids) => {
            const before = ids.filter((other) => other < id);
            await retireDeployments(api, at, before);
            return before;
        }),
    ]);
    const short = /^[0-9a-f]{40}$/.test(ref) ? ref.slice(0, 7) : ref;
    if (status === undefined)
        return [(0,note/* note */.N4) `Deployment ${id} of ${short} to ${env} was retired meanwhile by another run for this pull request (a newer create keeps its own).`];
    if (earlier.length === 0)
        return [(0,note/* note */.N4) `Recorded deployment ${id} of ${short} to ${env}.`];
    if (earlier.length === 1)
        return [(0,note/* note */.N4) `Recorded deployment ${id} of ${short} to ${env}; retired 1 earlier deployment.`];
    return [(0,note/* note */.N4) `Recorded deployment ${id} of ${short} to ${env}; retired ${earlier.length} earlier deployments.`];
}
/** Ids of the environment's deployments, oldest first. */
async function listDeployments(api, at) {
    const { owner, repo, environment } = at;
    const ids = await api.list(at, 'list deployments', `list deployments to ${environment}`, async (page, signal) => {
        const { data, headers } = await api.octokit.rest.repos.listDeployments({ owner, repo, environment, per_page: PER_PAGE, page, request: { signal } });
        return { items: data.map((d) => d.id), link: headers.link };
    });
    return [...new Set(ids)].sort((a, b) => a - b);
}
/** Retires every deployment in `ids`, a few at once. */
function retireDeployments(api, at, ids) {
    return (0,concurrency/* eachLimited */.k)(ids, CONCURRENCY, (id) => retireDeployment(api, at, id));
}
/**
 * Marks a deployment inactive, then deletes it (GitHub refuses to delete an active one). When the
 * run that created it sets its success status in between (two runs for one PR at once), GitHub
 * refuses the delete with 422: it is marked inactive again and deleted again; that run sets its
 * status only once, so the second round holds.
 */
async function retireDeployment(api, at, id) {
    const { owner, repo } = at;
    for (let round = 1;; round++) {
        const marked = await api.call(at, 'set deployment status', `mark deployment ${id} inactive`, (signal) => api.octokit.rest.repos.createDeploymentStatus({ owner, repo, deployment_id: id, state: 'inactive', request: { signal } }), { acceptStatus: [404] });
        if (marked === undefined)
            return;
        try {
            await api.call(at, 'delete deployment', `delete deployment ${id}`, (signal) => api.octokit.rest.repos.deleteDeployment({ owner, repo, deployment_id: id, request: { signal } }), {
                acceptStatus: [404],
            });
            return;
        }
        catch (error) {
            if (!(error instanceof http_failure/* ApiError */.hD && error.status === 422) || round === RETIRE_ROUNDS)
                throw error;
        }
    }
}

;// CONCATENATED MODULE: ./src/targets/github/names.ts

/** `text` as a regular expression that matches exactly it. */
function escapeRegExp(text) {
    return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}
/**
 * `template` (`github_environment`) as an anchored, case-insensitive pattern (GitHub's environment
 * names are case-insensitive): `{pr}` a positive integer without leading zeros, `{head}` one or more
 * of the characters a sanitised head keeps (`sanitizeHead`); a placeholder used twice must repeat
 * the same text. `lazy` makes the placeholders match as little as they can instead of as much.
 */
function templatePattern(template, lazy) {
    const seen = new Set();
    const more = lazy ? '?' : '';
    const source = template
        .split(/(\{pr\}|\{head\})/)
        .map((part) => {
        if (part !== '{pr}' && part !== '{head}')
            return escapeRegExp(part);
        const name = part === '{pr}' ? 'pr' : 'head';
        if (seen.has(name))
            return `\\k<${name}>`;
        seen.add(name);
        return name === 'pr' ? `(?<pr>[1-9][0-9]*${more})` : `(?<head>[A-Za-z0-9._/-]+${more})`;
    })
        .join('');
    // No `u` flag: with it, `[A-Za-z]` would also match the Kelvin sign and the long s, which
    // case-fold to k and s but which sanitizeHead replaces.
    return new RegExp(`^${source}$`, 'i');
}
/**
 * A function telling whether an environment name is one `template` gives some pull request, and
 * which; undefined when the template has neither `{pr}` nor `{head}` (it names no pull request).
 *
 * A match is kept only when rendering its values with the template (`environmentName`) gives the
 * name back (case aside), so that `remove` for that PR deletes exactly this environment. The
 * pattern is built so this always holds: `{pr}` takes no leading zeros and `{head}` only
 * characters that `sanitizeHead` leaves alone, so sanitising the matched head changes nothing.
 * What sanitising cannot give back is the PR's real head branch when it had other characters
 * (`feat/a b` is named `feat/a-b`): `headRef` is then not the branch name, and a sweep that looks
 * the PR up by head (a template without `{pr}`) finds no PR, or one whose head really is `feat/a-b`.
 *
 * Ambiguity: of all the ways a name can be read, the greedy pattern gives the one whose captured
 * placeholders are longest (the first one first, then the second), the lazy pattern the shortest;
 * every reading sorts between those two (later uses of a placeholder repeat its first), so when
 * they agree the name has exactly one reading.
 */
function environmentMatcher(template) {
    const hasPr = template.includes('{pr}');
    const hasHead = template.includes('{head}');
    if (!hasPr && !hasHead)
        return undefined;
    const greedy = templatePattern(template, false);
    const lazy = templatePattern(template, true);
    return (name) => {
        const longest = greedy.exec(name)?.groups;
        if (!longest)
            return undefined;
        const shortest = lazy.exec(name)?.groups ?? {};
        if (longest.pr !== shortest.pr || longest.head !== shortest.head)
            return { ambiguous: true };
        const pr = hasPr ? Number(longest.pr) : undefined;
        // More digits than a safe integer holds do not render back (and are no pull request).
        if (pr !== undefined && !Number.isSafeInteger(pr))
            return undefined;
        const headRef = hasHead ? longest.head : undefined;
        const rendered = (0,github/* environmentName */.V)(template, pr ?? 0, headRef ?? '');
        if (!new RegExp(`^${escapeRegExp(rendered)}$`, 'i').test(name))
            return undefined;
        return { ...(pr !== undefined && { pr }), ...(headRef !== undefined && { headRef }) };
    };
}
/**
 * The entries of the environments `names` whose names the template could have given (see
 * `environmentMatcher`), each with the PR number (and head, when the template has `{head}`) that
 * renders back to its name, so `remove` deletes exactly that environment. An environment someone
 * made by hand that fits the template counts as the action's. A template without `{pr}` gives
 * entries with only `headRef` (the sweep asks GitHub which PR has that head). A name that fits the
 * template in more than one way (e.g. `{head}{pr}`: is `fix12` PR 12 or PR 2?) is returned
 * without PR or head, so the sweep reports it and keeps it.
 */
function managedEntries(template, names) {
    const match = environmentMatcher(template);
    if (!match)
        return [];
    const entries = [];
    // An environment created or deleted between two pages shifts the rest: a name may come twice.
    const seen = new Set();
    for (const name of names) {
        if (seen.has(name.toLowerCase()))
            continue;
        seen.add(name.toLowerCase());
        const found = match(name);
        if (!found)
            continue;
        if (found.ambiguous) {
            entries.push({ description: `environment ${name} (fits \`github_environment\` ${template} in more than one way, so its pull request is unknown)` });
            continue;
        }
        const entry = { description: `environment ${name}` };
        if (found.pr !== undefined)
            entry.pr = found.pr;
        if (found.headRef !== undefined)
            entry.headRef = found.headRef;
        entries.push(entry);
    }
    return entries;
}

// EXTERNAL MODULE: ./src/http/create-or-adopt.ts
var create_or_adopt = __webpack_require__(3725);
;// CONCATENATED MODULE: ./src/targets/github/values.ts
// The environment's values: secrets sealed with the environment's public key (libsodium sealed
// box), variables in plain text, both listed to find what changed and what left the mapping.
// GitHub stores and lists their names in upper case and compares them case-insensitively.





/** GitHub's largest page: 30 for environment variables, 100 for secrets. */
const VARIABLES_PER_PAGE = 30;
const SECRETS_PER_PAGE = 100;
/**
 * libsodium, loaded on first use: only a run that writes a secret needs it, and loading it (with
 * its WebAssembly) costs tens of milliseconds the other runs do not pay.
 */
let sodiumLoading;
function loadSodium() {
    sodiumLoading ??= __webpack_require__.e(/* import() */ 768).then(__webpack_require__.bind(__webpack_require__, 4768)).then(async ({ default: sodium }) => {
        await sodium.ready;
        return sodium;
    });
    return sodiumLoading;
}
/** Seals `value` for GitHub with the environment's public key (libsodium sealed box, base64). */
async function sealSecret(value, publicKey) {
    const sodium = await loadSodium();
    return sodium.to_base64(sodium.crypto_box_seal(sodium.from_string(value), publicKey), sodium.base64_variants.ORIGINAL);
}
async function readPublicKey(api, at) {
    const { owner, repo, environment } = at;
    const { data } = await api.must(at, 'get public key', `get public key of environment ${environment}`, (signal) => api.octokit.rest.actions.getEnvironmentPublicKey({ owner, repo, environment_name: environment, request: { signal } }));
    const sodium = await loadSodium();
    return { keyId: data.key_id, key: sodium.from_base64(data.key, sodium.base64_variants.ORIGINAL) };
}
async function listValues(api, at) {
    const { owner, repo, environment } = at;
    const [secrets, variables] = await Promise.all([
        api.list(at, 'list secrets', `list secrets of environment ${environment}`, async (page, signal) => {
            const { data, headers } = await api.octokit.rest.actions.listEnvironmentSecrets({ owner, repo, environment_name: environment, per_page: SECRETS_PER_PAGE, page, request: { signal } });
            return { items: data.secrets.map((s) => s.name), link: headers.link };
        }),
        api.list(at, 'list variables', `list variables of environment ${environment}`, async (page, signal) => {
            const { data, headers } = await api.octokit.rest.actions.listEnvironmentVariables({ owner, repo, environment_name: environment, per_page: VARIABLES_PER_PAGE, page, request: { signal } });
            return { items: data.variables.map((v) => [v.name, v.value]), link: headers.link };
        }),
    ]);
    return { secrets, variables: new Map(variables) };
}
/**
 * Writes the values into the environment (which exists): every secret (GitHub never shows them),
 * the variables whose value changed, and deletes what left the mapping. `publicKey` and `existing`
 * are what the run read before, when the environment existed; a new one holds nothing. Returns
 * notes and the names removed.
 */
async function writeValues(api, at, variables, known) {
    const secrets = variables.filter((v) => v.secret);
    const plain = variables.filter((v) => !v.secret);
    const current = known.existing ?? { secrets: [], variables: new Map() };
    let key = secrets.length === 0 ? undefined : (known.publicKey ?? (await readPublicKey(api, at)));
    const tasks = [];
    let freshKey;
    for (const secret of secrets) {
        tasks.push(async () => {
            const used = key;
            try {
                await putSecret(api, at, secret, used);
            }
            catch (error) {
                // The key was rotated since it was read: read it again (once per run) and seal again.
                if (!(error instanceof http_failure/* ApiError */.hD) || error.status !== 422)
                    throw error;
                freshKey ??= readPublicKey(api, at);
                const fresh = await freshKey;
                if (fresh.keyId === used.keyId)
                    throw error;
                key = fresh;
                await putSecret(api, at, secret, fresh);
            }
        });
    }
    let unchanged = 0;
    for (const variable of plain) {
        const before = current.variables.get(variable.name.toUpperCase());
        if (before === variable.value) {
            unchanged++;
            continue;
        }
        tasks.push(() => writeVariable(api, at, variable, before !== undefined));
    }
    const secretNames = new Set(secrets.map((v) => v.name.toUpperCase()));
    const plainNames = new Set(plain.map((v) => v.name.toUpperCase()));
    const mapped = new Set(variables.map((v) => v.name.toUpperCase()));
    const removedNames = [];
    for (const name of current.secrets) {
        if (secretNames.has(name.toUpperCase()))
            continue;
        if (!mapped.has(name.toUpperCase()))
            removedNames.push(name);
        tasks.push(() => deleteValue(api, at, 'secret', name));
    }
    for (const name of current.variables.keys()) {
        if (plainNames.has(name.toUpperCase()))
            continue;
        if (!mapped.has(name.toUpperCase()) && !removedNames.includes(name))
            removedNames.push(name);
        tasks.push(() => deleteValue(api, at, 'variable', name));
    }
    await (0,concurrency/* eachLimited */.k)(tasks, CONCURRENCY, (task) => task());
    const notes = [];
    if (unchanged > 0)
        notes.push(unchanged === 1 ? (0,note/* note */.N4) `1 variable already had its value.` : (0,note/* note */.N4) `${unchanged} variables already had their value.`);
    return { notes, removedNames };
}
async function putSecret(api, at, secret, key) {
    const { owner, repo, environment } = at;
    const encrypted = await sealSecret(secret.value, key.key);
    await api.call(at, 'set secret', `set secret ${secret.name} in environment ${environment}`, (signal) => api.octokit.rest.actions.createOrUpdateEnvironmentSecret({
        owner,
        repo,
        environment_name: environment,
        secret_name: secret.name,
        encrypted_value: encrypted,
        key_id: key.keyId,
        request: { signal },
    }));
}
/**
 * Updates (PATCH) a variable the listing showed, or creates it (POST). A create refused with 409
 * (another run made it meanwhile) or whose answer was lost updates what is there; an update that
 * finds it gone (404) creates it.
 */
async function writeVariable(api, at, variable, listed) {
    const { owner, repo, environment } = at;
    const { name, value } = variable;
    const update = async () => {
        const done = await api.call(at, 'update variable', `update variable ${name} in environment ${environment}`, (signal) => api.octokit.rest.actions.updateEnvironmentVariable({ owner, repo, environment_name: environment, name, value, request: { signal } }), { acceptStatus: [404] });
        return done === undefined ? undefined : true;
    };
    if (listed && (await update()))
        return;
    await (0,create_or_adopt/* createOrAdopt */.K)({
        create: async () => {
            await api.call(at, 'create variable', `create variable ${name} in environment ${environment}`, (signal) => api.octokit.rest.actions.createEnvironmentVariable({ owner, repo, environment_name: environment, name, value, request: { signal } }), { idempotent: false });
            return true;
        },
        adopt: update,
        exists: (error) => error.status === 409,
    });
}
async function deleteValue(api, at, kind, name) {
    const { owner, repo, environment } = at;
    const operation = `delete ${kind} ${name} from environment ${environment}`;
    if (kind === 'secret') {
        await api.call(at, 'delete secret', operation, (signal) => api.octokit.rest.actions.deleteEnvironmentSecret({ owner, repo, environment_name: environment, secret_name: name, request: { signal } }), { acceptStatus: [404] });
    }
    else {
        await api.call(at, 'delete variable', operation, (signal) => api.octokit.rest.actions.deleteEnvironmentVariable({ owner, repo, environment_name: environment, name, request: { signal } }), {
            acceptStatus: [404],
        });
    }
}

;// CONCATENATED MODULE: ./src/targets/github/target.ts







const target_PER_PAGE = 100;
/** The web host of a GitHub API URL: github.com, `<sub>.ghe.com`, or a GitHub Enterprise Server. */
function webUrlFor(apiUrl) {
    const url = new URL(apiUrl);
    if (url.hostname === 'api.github.com')
        return 'https://github.com';
    if (url.hostname.startsWith('api.') && url.hostname.endsWith('.ghe.com'))
        return `${url.protocol}//${url.hostname.slice(4)}`;
    return `${url.protocol}//${url.host}`;
}
function originOf(url) {
    if (!url)
        return undefined;
    try {
        return new URL(url).origin;
    }
    catch {
        return undefined;
    }
}
/** The github target: each pull request's environment is named from the `github_environment` template. */
class GitHubTarget {
    settings;
    apiUrl;
    name = github/* github */.M.name;
    label = github/* github */.M.label;
    platform = github/* github */.M.platform;
    api;
    constructor(octokit, session, settings, 
    /** GITHUB_API_URL: the web host of the links when GitHub's answer names none. */
    apiUrl) {
        this.settings = settings;
        this.apiUrl = apiUrl;
        this.api = new GitHubApi(octokit, session);
    }
    environmentOf(pr) {
        return (0,github/* environmentName */.V)(this.settings.environmentTemplate, pr.number, pr.headRef);
    }
    placeOf(pr) {
        return { ...splitRepository(pr.repository), environment: this.environmentOf(pr) };
    }
    /** The environment and, when it exists, its public key (when the mapping has secrets) and what it holds. Writes nothing. */
    async prepare(pr) {
        const at = this.placeOf(pr);
        const { owner, repo, environment: env } = at;
        const response = await this.api.call(at, 'get environment', `get environment ${env}`, (signal) => this.api.octokit.rest.repos.getEnvironment({ owner, repo, environment_name: env, request: { signal } }), { acceptStatus: [404] });
        const environment = response?.data;
        // A new environment holds nothing: no need to list it.
        if (!environment)
            return {};
        const [publicKey, existing] = await Promise.all([this.settings.mappingHasSecrets ? readPublicKey(this.api, at) : undefined, listValues(this.api, at)]);
        return { environment, publicKey, existing };
    }
    async publish(prepared, pr, variables, branch) {
        const at = this.placeOf(pr);
        const { owner, repo, environment: env } = at;
        const notes = [];
        let environment = prepared.environment;
        if (!environment) {
            environment = (await this.api.must(at, 'create environment', `create environment ${env}`, (signal) => this.api.octokit.rest.repos.createOrUpdateEnvironment({ owner, repo, environment_name: env, request: { signal } }), { notFound: repositoryHelp(owner, repo) })).data;
            notes.push((0,note/* note */.N4) `Created environment ${env}.`);
        }
        // The deployment is recorded while the values are written; it gets its success status once they are.
        const writing = (0,concurrency/* started */.A)(writeValues(this.api, at, variables, prepared));
        const recording = (0,concurrency/* started */.A)(recordDeployment(this.api, at, pr, branch, (0,concurrency/* started */.A)(writing.then(() => undefined))));
        const { notes: written, removedNames } = await writing;
        notes.push(...written, ...(await recording));
        const web = originOf(environment.html_url) ?? webUrlFor(this.apiUrl);
        const links = [
            { label: `Environment ${env} (settings)`, url: `${web}/${owner}/${repo}/settings/environments/${environment.id}/edit` },
            { label: `Deployments to ${env}`, url: environment.html_url ?? `${web}/${owner}/${repo}/deployments/activity_log?environments_filter=${encodeURIComponent(env)}` },
        ];
        return { target: this.name, label: this.label, names: variables.map((v) => v.name), removedNames, links, notes };
    }
    async remove(pr, names) {
        const at = this.placeOf(pr);
        const { owner, repo, environment: env } = at;
        // The deployments first: the environment is what the sweep finds a pull request's things by,
        // so it goes last (a run that fails before then leaves it for a re-run or the sweep).
        const deployments = await listDeployments(this.api, at);
        await retireDeployments(this.api, at, deployments);
        const deleted = await this.api.call(at, 'delete environment', `delete environment ${env}`, (signal) => this.api.octokit.rest.repos.deleteAnEnvironment({ owner, repo, environment_name: env, request: { signal } }), { acceptStatus: [404] });
        const notes = [deleted ? (0,note/* note */.N4) `Deleted environment ${env} with its secrets and variables.` : (0,note/* note */.N4) `Environment ${env} did not exist (already deleted).`];
        if (deployments.length > 0)
            notes.push(deployments.length === 1 ? (0,note/* note */.N4) `Marked 1 deployment inactive and deleted it.` : (0,note/* note */.N4) `Marked ${deployments.length} deployments inactive and deleted them.`);
        // An environment that did not exist held none of the names.
        return { target: this.name, label: this.label, names: deleted ? names : [], links: [], notes };
    }
    /**
     * Sweep: the repository's environments whose names the template could have given (see
     * `managedEntries`). A template with neither placeholder names one environment shared by every
     * PR, which belongs to no PR: nothing is returned and nothing is requested. One request per page
     * of 100 environments.
     */
    async findManaged(repository) {
        const template = this.settings.environmentTemplate;
        if (!template.includes('{pr}') && !template.includes('{head}'))
            return { entries: [] };
        const at = splitRepository(repository);
        const { owner, repo } = at;
        const names = await this.api.list(at, 'list environments', 'list environments', async (page, signal) => {
            const { data, headers } = await this.api.octokit.rest.repos.getAllEnvironments({ owner, repo, per_page: target_PER_PAGE, page, request: { signal } });
            return { items: (data.environments ?? []).map((e) => e.name), link: headers.link };
        }, { notFound: repositoryHelp(owner, repo) });
        return { entries: managedEntries(template, names) };
    }
}


/***/ })

};

//# sourceMappingURL=392.index.js.map