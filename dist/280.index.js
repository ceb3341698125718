export const id = 280;
export const ids = [280];
export const modules = {

/***/ 2868:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   _: () => (/* binding */ JsonClient)
/* harmony export */ });
/* harmony import */ var _failure_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2398);
/* harmony import */ var _user_agent_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1153);
// The one small JSON-over-fetch client for platforms whose official client does not fit (their
// SDK's strict answer checks, or a retry loop of their own): each request under the run's
// ApiSession, a non-2xx answer an HttpStatusError the policy reads.


class JsonClient {
    platform;
    baseUrl;
    token;
    session;
    constructor(platform, baseUrl, token, session) {
        this.platform = platform;
        this.baseUrl = baseUrl;
        this.token = token;
        this.session = session;
    }
    url(path, query = {}) {
        const search = new URLSearchParams();
        for (const [name, value] of Object.entries(query))
            if (value !== undefined)
                search.set(name, value);
        const text = search.toString();
        return `${this.baseUrl.replace(/\/+$/, '')}${path}${text ? `?${text}` : ''}`;
    }
    request(req) {
        const url = this.url(req.path, req.query);
        const headers = { authorization: `Bearer ${this.token}`, accept: 'application/json', 'user-agent': _user_agent_js__WEBPACK_IMPORTED_MODULE_1__/* .USER_AGENT */ ._ };
        if (req.body !== undefined)
            headers['content-type'] = 'application/json';
        const { operation, idempotent, acceptStatus, retryIf } = req;
        return this.session.call({ platform: this.platform, operation, idempotent, acceptStatus, retryIf }, async (signal) => {
            const response = await fetch(url, { method: req.method, headers, body: req.body === undefined ? undefined : JSON.stringify(req.body), signal });
            // Read whole: a body that breaks off is a failed request (retried), never an empty answer.
            const body = parseBody(await response.text());
            if (!response.ok)
                throw new _failure_js__WEBPACK_IMPORTED_MODULE_0__/* .HttpStatusError */ .F9(response.status, response.headers, body);
            return { status: response.status, body: body };
        });
    }
}
function parseBody(text) {
    if (!text)
        return undefined;
    try {
        return JSON.parse(text);
    }
    catch {
        return text;
    }
}


/***/ }),

/***/ 9280:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  NetlifyTarget: () => (/* binding */ NetlifyTarget)
});

// EXTERNAL MODULE: ./src/phases.ts
var phases = __webpack_require__(119);
// EXTERNAL MODULE: ./src/concurrency.ts
var concurrency = __webpack_require__(1532);
// EXTERNAL MODULE: ./src/note.ts
var note = __webpack_require__(4215);
// EXTERNAL MODULE: ./src/http/json.ts
var json = __webpack_require__(2868);
;// CONCATENATED MODULE: ./src/targets/netlify/api.ts
// Netlify's requests: paths and parameter names from `@netlify/api`'s table of Netlify's own
// description, sent with the one JSON client. The client's methods are not used: their retry loop
// cannot be switched off (it sleeps past the run's deadline, resends a create after a reset, and
// drops the rate-limit headers the policy waits on).

// Loaded on the first request: a run's start does not wait for the description.
let operations;
function operationTable() {
    operations ??= __webpack_require__.e(/* import() */ 393).then(__webpack_require__.bind(__webpack_require__, 6393)).then(({ methods }) => new Map(methods.map((op) => [op.operationId, op])));
    return operations;
}
class NetlifyApi {
    client;
    siteId;
    cachedSite;
    constructor(settings, session) {
        this.client = new json/* JsonClient */._('Netlify', settings.apiUrl, settings.token, session);
        this.siteId = settings.siteId;
        // Loaded now, while the run's first requests are out, not when the first Netlify request waits for it.
        operationTable().catch(() => { });
    }
    async request(operationId, params, options) {
        const op = (await operationTable()).get(operationId);
        if (!op)
            throw new Error(`Netlify: operation ${operationId} is missing from the bundled @netlify/api (a bug in neon-preview; please report it)`);
        const path = op.path.replace(/\{(\w+)\}/g, (_m, name) => {
            const value = params[name];
            if (value === undefined)
                throw new Error(`Netlify: ${operationId} was asked for without its ${name} (a bug in neon-preview; please report it)`);
            return encodeURIComponent(value);
        });
        const query = Object.fromEntries(Object.keys(op.parameters.query ?? {}).map((name) => [name, params[name]]));
        return this.client.request({ method: op.verb.toUpperCase(), path, query, ...options });
    }
    /** The configured site, read once per run (a failed read is tried again by the next caller). */
    site() {
        this.cachedSite ??= this.request('getSite', { site_id: this.siteId }, { operation: `get site ${this.siteId}` }).then((answer) => {
            const site = answer?.body;
            if (!site || typeof site !== 'object')
                throw new Error(`Netlify: get site ${this.siteId} answered without a site; check that \`netlify_api_url\` is Netlify's API`);
            return site;
        });
        this.cachedSite.catch(() => (this.cachedSite = undefined));
        return this.cachedSite;
    }
    // Not getSiteEnvVars: its path in the description holds /api/v1 twice.
    async listVariables(account) {
        const list = (await this.request('getEnvVars', { account_id: account, site_id: this.siteId }, { operation: 'list site environment variables' }))?.body;
        if (!Array.isArray(list))
            throw new Error("Netlify: list site environment variables answered without a list; check that `netlify_api_url` is Netlify's API");
        return list.filter((v) => v && typeof v.key === 'string');
    }
    /** The key as it is now; undefined when it is gone. */
    async getVariable(account, key) {
        return (await this.request('getEnvVar', this.keyParams(account, key), { operation: `get ${key}`, acceptStatus: [404] }))?.body;
    }
    /** Adds or replaces the branch's value on an existing key; false when the key does not exist. */
    async setValue(account, key, value) {
        const answer = await this.request('setEnvVarValue', this.keyParams(account, key), { operation: `set ${key} for branch ${value.context_parameter}`, body: value, acceptStatus: [404] });
        return answer !== undefined;
    }
    async createVariable(account, envVar) {
        await this.request('createEnvVars', { account_id: account, site_id: this.siteId }, { operation: `create ${envVar.key}`, body: [envVar], idempotent: false });
    }
    /** False when the value was already gone. */
    async deleteValue(account, key, value) {
        const answer = await this.request('deleteEnvVarValue', { ...this.keyParams(account, key), id: value.id }, { operation: `delete ${key} value for branch ${value.context_parameter ?? ''}`, acceptStatus: [404] });
        return answer !== undefined;
    }
    /** False when the key was already gone. */
    async deleteVariable(account, key) {
        return (await this.request('deleteEnvVar', this.keyParams(account, key), { operation: `delete ${key}`, acceptStatus: [404] })) !== undefined;
    }
    async startBuild(head, siteId = this.siteId) {
        return (await this.request('createSiteBuild', { site_id: siteId, branch: head }, { operation: `start a build of branch ${head}`, idempotent: false }))?.body;
    }
    async getDeploy(deployId) {
        return (await this.request('getDeploy', { deploy_id: deployId }, { operation: `get deploy ${deployId}`, acceptStatus: [404] }))?.body;
    }
    keyParams(account, key) {
        return { account_id: account, key, site_id: this.siteId };
    }
}

// EXTERNAL MODULE: ./node_modules/p-limit/index.js + 1 modules
var p_limit = __webpack_require__(370);
;// CONCATENATED MODULE: ./src/targets/netlify/sweep.ts
// The sweep's side of Netlify: values name no pull request, so what is found is the mapping's keys'
// `branch` values, one entry per branch, and the sweep ties each branch to its pull requests.


/** Requests in flight at once for the whole sweep (Netlify has no batch delete). */
const SWEEP_CONCURRENCY = 16;
/** A branch value with a branch name: one `remove` can address. Other contexts are never the action's. */
function branchOf(value) {
    return value.context === 'branch' && value.context_parameter ? value.context_parameter : undefined;
}
function onBranchOf(value, heads) {
    const head = branchOf(value);
    return head !== undefined && heads.has(head);
}
/** One entry per branch holding a value of the listed keys, e.g. "DATABASE_URL, PGHOST on feature/x". */
function entriesOf(variables) {
    const keysByBranch = new Map();
    for (const envVar of variables) {
        for (const value of envVar.values ?? []) {
            const head = branchOf(value);
            if (head === undefined)
                continue;
            const keys = keysByBranch.get(head) ?? keysByBranch.set(head, new Set()).get(head);
            keys.add(envVar.key);
        }
    }
    return [...keysByBranch].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([head, keys]) => ({ headRef: head, description: `${[...keys].sort().join(', ')} on ${head}` }));
}
/**
 * Deletes each group's branch values by id from the listing (no new read per pull request); a key
 * whose every listed value belonged to swept branches goes too, as `remove` would (once a fresh
 * read shows it empty), with the last group that held a value in it.
 */
function removeFromListing(api, { account, variables }, groups) {
    const limit = (0,p_limit/* default */.A)(SWEEP_CONCURRENCY);
    const headsOf = (g) => new Set(g.entries.flatMap((e) => (e.headRef === undefined ? [] : [e.headRef])));
    const swept = new Set(groups.flatMap((g) => [...headsOf(g)]));
    /** Per group, per key: its values' deletions. */
    const deletions = groups.map((g) => {
        const heads = headsOf(g);
        const byKey = new Map();
        for (const envVar of variables) {
            const mine = (envVar.values ?? []).filter((v) => v.id && onBranchOf(v, heads));
            if (mine.length > 0)
                byKey.set(envVar.key, (0,concurrency/* started */.A)(Promise.all(mine.map((v) => limit(() => api.deleteValue(account, envVar.key, v))))));
        }
        return byKey;
    });
    const cleanups = groups.map(() => []);
    for (const envVar of variables) {
        const values = envVar.values ?? [];
        if (values.length === 0 || !values.every((v) => onBranchOf(v, swept)))
            continue;
        const holders = deletions.flatMap((byKey, i) => (byKey.has(envVar.key) ? [i] : []));
        const last = holders.at(-1);
        if (last === undefined)
            continue;
        const emptied = async () => {
            await Promise.all(holders.map((i) => deletions[i].get(envVar.key)));
            const fresh = await limit(() => api.getVariable(account, envVar.key));
            if (fresh && (fresh.values ?? []).length === 0)
                await limit(() => api.deleteVariable(account, envVar.key));
        };
        cleanups[last].push((0,concurrency/* started */.A)(emptied()));
    }
    return groups.map((_, i) => (0,concurrency/* started */.A)(Promise.all([...deletions[i].values(), ...cleanups[i]]).then(() => undefined)));
}

// EXTERNAL MODULE: ./src/http/create-or-adopt.ts
var create_or_adopt = __webpack_require__(3725);
;// CONCATENATED MODULE: ./src/targets/netlify/values.ts
// A pull request's values are the `branch` values for its head branch, in keys other pull requests
// and the site share: written one by one, never with PUT, and a key deleted only once a fresh read
// shows it empty, so no one else's value is ever lost.

/** Netlify refuses the post-processing scope for secrets. */
const SECRET_SCOPES = ['builds', 'functions', 'runtime'];
/** Netlify documents no status for a create refused because the key exists. */
const KEY_MAY_EXIST = new Set([400, 409, 422]);
function isOwnValue(value, head) {
    return value.context === 'branch' && value.context_parameter === head;
}
function ownValues(envVar, head) {
    return (envVar.values ?? []).filter((v) => isOwnValue(v, head));
}
/** Sets the branch's value of one key: PATCH on an existing key, create when it is missing. */
async function writeValue(api, account, variable, head, keyListed) {
    const value = { context: 'branch', context_parameter: head, value: variable.value };
    const patch = async () => ((await api.setValue(account, variable.name, value)) ? true : undefined);
    // A listed key may be gone since (its last other value removed): then it is created.
    if (keyListed && (await patch()))
        return;
    const envVar = { key: variable.name, values: [value], ...(variable.secret ? { is_secret: true, scopes: SECRET_SCOPES } : {}) };
    await (0,create_or_adopt/* createOrAdopt */.K)({
        create: async () => {
            await api.createVariable(account, envVar);
            return true;
        },
        adopt: patch,
        exists: (error) => error.status !== undefined && KEY_MAY_EXIST.has(error.status),
    });
}
/** Deletes the branch's values of one key by id; the key too when a fresh read shows nothing else came in meanwhile. */
async function removeOwnValues(api, account, listed, head) {
    const deleted = await Promise.all(ownValues(listed, head).flatMap((value) => (value.id ? [api.deleteValue(account, listed.key, value)] : [])));
    let keyDeleted = false;
    if ((listed.values ?? []).every((v) => isOwnValue(v, head))) {
        const fresh = await api.getVariable(account, listed.key);
        if (fresh && (fresh.values ?? []).length === 0)
            keyDeleted = await api.deleteVariable(account, listed.key);
    }
    if (!deleted.some(Boolean))
        return 'absent';
    return keyDeleted ? 'key-deleted' : 'values-deleted';
}
/**
 * The branch's values of keys that left the mapping: `dropped` when every one provably came from
 * this pull request's Neon branch, `kept` (by key) when the action cannot tell who set them.
 */
function leftTheMapping(existing, variables, branch, head) {
    const wanted = new Set(variables.map((v) => v.name));
    const marks = neonBranchMarks(variables, branch);
    const dropped = [];
    const kept = [];
    for (const envVar of existing) {
        if (wanted.has(envVar.key))
            continue;
        const mine = ownValues(envVar, head);
        if (mine.length === 0)
            continue;
        if (mine.every((v) => carriesMark(v, marks)))
            dropped.push(envVar);
        else
            kept.push(envVar.key);
    }
    return { dropped, kept };
}
/** What only values made from this Neon branch contain: its id and its computes' hosts, pooled and direct. */
function neonBranchMarks(variables, branch) {
    const marks = new Set();
    if (branch.id)
        marks.add(branch.id.toLowerCase());
    for (const variable of variables) {
        const [label, ...rest] = hostOf(variable.value)?.split('.') ?? [];
        const base = (label ?? '').replace(/-pooler$/, '');
        if (!base || rest.length === 0)
            continue;
        marks.add([base, ...rest].join('.'));
        marks.add([`${base}-pooler`, ...rest].join('.'));
    }
    return [...marks];
}
/** The host of a postgres URL, or the value itself when it is a host name. */
function hostOf(value) {
    if (/^postgres(ql)?:\/\//i.test(value)) {
        try {
            return new URL(value).hostname.toLowerCase() || undefined;
        }
        catch {
            return undefined;
        }
    }
    return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(value) ? value.toLowerCase() : undefined;
}
function carriesMark(value, marks) {
    const text = value.value?.toLowerCase();
    return !!text && marks.some((mark) => text.includes(mark));
}

;// CONCATENATED MODULE: ./src/targets/netlify/target.ts
// Netlify: the pull request's values as `branch` values (context_parameter = its head branch) of
// the site's environment variables, which other pull requests and contexts share key by key.






/** Per-key requests in flight at once: the default mapping's 7 keys in one round trip (Netlify limits requests a minute, not in flight). */
const CONCURRENCY = 8;
const APP_URL = 'https://app.netlify.com';
class NetlifyTarget {
    name = 'netlify';
    label = 'Netlify';
    platform = 'Netlify';
    /** Present with `netlify_redeploy`: a build of the head branch once the Neon branch is ready. */
    afterReady;
    api;
    constructor(settings, session) {
        this.api = new NetlifyApi(settings, session);
        if (settings.redeploy)
            this.afterReady = (prepared) => this.startBuild(prepared);
    }
    async prepare(pr) {
        const head = requireHead(pr);
        const site = await this.api.site();
        const account = accountOf(site);
        return { head, site, account, existing: await this.api.listVariables(account) };
    }
    async publish({ head, site, account, existing }, _pr, variables, branch) {
        const byKey = new Map(existing.map((v) => [v.key, v]));
        const notes = [];
        let unchanged = 0;
        await (0,concurrency/* eachLimited */.k)(variables, CONCURRENCY, async (variable) => {
            const current = byKey.get(variable.name);
            // Secret values read back empty: they are always written.
            if (current && !current.is_secret && !variable.secret && ownValues(current, head).some((v) => v.value === variable.value)) {
                unchanged++;
                return;
            }
            if (current && variable.secret && !current.is_secret) {
                notes.push((0,note/* note */.N4) `${variable.name} exists on the site as a plain (not secret) variable, so its value for branch ${head} is readable in the Netlify UI and API; mark the variable secret in Netlify to hide it (the action never rewrites a whole variable).`);
            }
            await writeValue(this.api, account, variable, head, current !== undefined);
        });
        if (unchanged > 0)
            notes.push((0,note/* note */.N4) `${unchanged} value(s) were already up to date.`);
        const { dropped, kept } = leftTheMapping(existing, variables, branch, head);
        const removedNames = [];
        const emptied = [];
        await (0,concurrency/* eachLimited */.k)(dropped, CONCURRENCY, async (envVar) => {
            const outcome = await removeOwnValues(this.api, account, envVar, head);
            if (outcome !== 'absent')
                removedNames.push(envVar.key);
            if (outcome === 'key-deleted')
                emptied.push(envVar.key);
        });
        if (kept.length > 0) {
            notes.push((0,note/* note */.N4) `Left the values for branch ${head} of ${kept.sort().join(', ')}: not in ${'env_vars'}, and secret or not naming this PR's Neon branch, so the action cannot tell whether it set them. Delete them in Netlify if it did.`);
        }
        if (emptied.length > 0)
            notes.push((0,note/* note */.N4) `Deleted ${emptied.sort().join(', ')}: no other value was left in them.`);
        if (!this.afterReady)
            notes.push((0,note/* note */.N4) `Netlify applies these values to builds of branch ${head} (branch deploys); they reach a build started after this run.`);
        return { target: this.name, label: this.label, names: variables.map((v) => v.name), removedNames: removedNames.sort(), links: [envSettingsLink(site)], notes };
    }
    async remove(pr, names) {
        const head = requireHead(pr);
        const site = await this.api.site();
        const account = accountOf(site);
        const byKey = new Map((await this.api.listVariables(account)).map((v) => [v.key, v]));
        const held = names.filter((name) => ownValues(byKey.get(name) ?? { key: name }, head).length > 0);
        const absent = names.filter((name) => !held.includes(name));
        const removed = [];
        const emptied = [];
        await (0,concurrency/* eachLimited */.k)(held, CONCURRENCY, async (name) => {
            const outcome = await removeOwnValues(this.api, account, byKey.get(name), head);
            (outcome === 'absent' ? absent : removed).push(name);
            if (outcome === 'key-deleted')
                emptied.push(name);
        });
        const notes = [];
        if (emptied.length > 0)
            notes.push((0,note/* note */.N4) `Deleted ${emptied.sort().join(', ')}: no other value was left in them.`);
        if (absent.length > 0)
            notes.push((0,note/* note */.N4) `No value for branch ${head} in ${absent.sort().join(', ')} (already removed).`);
        return { target: this.name, label: this.label, names: removed.sort(), links: [envSettingsLink(site)], notes };
    }
    /** `repository` plays no part: the site is the one this repository's workflow configures. */
    async findManaged(_repository, names) {
        const account = accountOf(await this.api.site());
        const wanted = new Set(names);
        const variables = (await this.api.listVariables(account)).filter((v) => wanted.has(v.key));
        const entries = entriesOf(variables);
        (0,phases/* info */.pq)(`Netlify: ${entries.length} branch(es) hold values of the mapping's keys`);
        return { entries, listing: { account, variables } };
    }
    removeManaged(listing, groups) {
        return listing ? removeFromListing(this.api, listing, groups) : groups.map(() => Promise.resolve());
    }
    /** A build of the head branch, which Netlify runs as a branch deploy. */
    async startBuild({ head, site }) {
        let build;
        try {
            build = await this.api.startBuild(head, site.id || undefined);
        }
        catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            throw new Error(`${message}. The variables were published; start a build of branch ${head} in Netlify (or re-run) so a deploy picks them up.`, { cause: error });
        }
        const deployId = build?.deploy_id;
        if (!deployId)
            return { links: [], notes: [build?.id ? (0,note/* note */.N4) `Started a Netlify build of branch ${head} (build ${build.id}).` : (0,note/* note */.N4) `Started a Netlify build of branch ${head}.`] };
        const deploy = await this.api.getDeploy(deployId);
        const links = [];
        if (deploy?.admin_url)
            links.push({ label: `Netlify deploy ${deployId}`, url: deploy.admin_url });
        if (deploy?.deploy_ssl_url)
            links.push({ label: `Branch deploy of ${head}`, url: deploy.deploy_ssl_url });
        return { links, notes: [(0,note/* note */.N4) `Started a Netlify build of branch ${head} (deploy ${deployId}); it runs as a branch deploy with the new values.`] };
    }
}
function requireHead(pr) {
    if (!pr.headRef)
        throw new Error("Netlify: the pull request's head branch is unknown, and Netlify scopes values by branch; set the `head_ref` input");
    return pr.headRef;
}
function accountOf(site) {
    const account = site.account_id || site.account_slug;
    if (!account)
        throw new Error(`Netlify: site ${site.id} came without its team (no account_id or account_slug); check that \`netlify_api_url\` is Netlify's API`);
    return account;
}
function envSettingsLink(site) {
    const admin = site.admin_url && /^https:\/\//.test(site.admin_url) ? site.admin_url.replace(/\/+$/, '') : `${APP_URL}/sites/${encodeURIComponent(site.name ?? site.id)}`;
    return { label: 'Netlify environment variables', url: `${admin}/configuration/env` };
}


/***/ })

};

//# sourceMappingURL=280.index.js.map