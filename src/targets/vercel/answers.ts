// Vercel's answers, read for what the action needs and nothing else. `@vercel/sdk` validates every
// answer against fixed schemas and rejects live answers that drift from them (vercel/sdk#104: an
// upsert Vercel accepted, answered 201, reported as failed; #30: numbers as strings; #175, #206):
// here each field is checked where it is used, and unknown fields, enum values and loosened types
// pass.

/** A variable as the list shows it, reduced to what matching needs. */
export interface ListedValue {
  /** Absent when the answer gave none that is a string (such a value is never removed). */
  id?: string;
  key: string;
  /** `target` as a list, whatever its shape (a list, one string, absent). */
  targets: string[];
  gitBranch?: string;
  comment?: string;
}

export interface ValueList {
  values: ListedValue[];
  /** `pagination.next` when the list says more follow (a cursor it takes no parameter for). */
  next?: string;
}

/** One value an upsert's 201 lists under `failed`. */
export interface RefusedValue {
  key: string;
  message: string;
  code?: string;
}

/** The project's connected Git repository, as far as the action needs it. */
export interface GitLink {
  /** The branch production deployments are built from. */
  productionBranch?: string;
  /** The repository, for messages: `org/repo` (GitHub), `group/name` (GitLab), `owner/slug` (Bitbucket). */
  repository?: string;
}

export interface ProjectInfo {
  name?: string;
  /** Undefined when the project has no connected Git repository (deployed with the CLI or prebuilt). */
  link?: GitLink;
}

export interface Deployment {
  uid: string;
  name: string;
  createdAt: number;
}

export interface Redeployed {
  /** The new deployment's URL. */
  url?: string;
  /** Its page on vercel.com: `https://vercel.com/<scope>/<project>/<id>`. */
  inspectorUrl?: string;
}

type Fields = Record<string, unknown>;

function fields(value: unknown): Fields | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Fields) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A number, also when sent as a numeric string (vercel/sdk#30). */
function numeric(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

function listedValue(raw: unknown): ListedValue | undefined {
  const e = fields(raw);
  const key = text(e?.key);
  if (!e || key === undefined) return undefined;
  const target = e.target;
  const targets = Array.isArray(target) ? target.filter((t): t is string => typeof t === 'string') : typeof target === 'string' ? [target] : [];
  return { id: text(e.id), key, targets, gitBranch: text(e.gitBranch), comment: typeof e.comment === 'string' ? e.comment : undefined };
}

/** The variable list (`GET /v10/projects/{idOrName}/env`), or undefined when the answer holds none. */
export function readValueList(body: unknown): ValueList | undefined {
  const b = fields(body);
  if (!b) return undefined;
  if (!Array.isArray(b.envs)) {
    // The API description also allows one variable alone.
    const single = listedValue(b);
    return single ? { values: [single] } : undefined;
  }
  const values = b.envs.flatMap((e) => listedValue(e) ?? []);
  const next = fields(b.pagination)?.next;
  return { values, next: next === undefined || next === null ? undefined : String(next) };
}

/**
 * The values an upsert's 201 says it did not write. A 201 is Vercel's word that the request was
 * taken: only what `failed` lists, item by item, failed; a `failed` that is absent or not a list
 * means none did.
 */
export function readRefused(body: unknown): RefusedValue[] {
  const failed = fields(body)?.failed;
  if (!Array.isArray(failed)) return [];
  return failed.map((item) => {
    const error = fields(fields(item)?.error) ?? fields(item);
    return {
      key: text(error?.key) ?? text(error?.envVarKey) ?? '(unnamed)',
      message: text(error?.message) ?? (typeof item === 'string' ? item : 'no reason given'),
      code: text(error?.code),
    };
  });
}

function repositoryOf(link: Fields): string | undefined {
  const pair = (a: unknown, b: unknown): string | undefined => (text(a) && text(b) ? `${text(a)}/${text(b)}` : undefined);
  return pair(link.org, link.repo) ?? text(link.projectNameWithNamespace) ?? pair(link.owner, link.slug) ?? pair(link.owner, link.repo);
}

/** The project (`GET /v9/projects/{idOrName}`): its name and Git link. */
export function readProject(body: unknown): ProjectInfo {
  const b = fields(body);
  const link = fields(b?.link);
  return { name: text(b?.name), link: link && { productionBranch: text(link.productionBranch), repository: repositoryOf(link) } };
}

/** The preview deployments of `head` in a deployments list (`GET /v7/deployments`), newest first. */
export function readPreviewDeployments(body: unknown, head: string): Deployment[] {
  const list = fields(body)?.deployments;
  if (!Array.isArray(list)) return [];
  const previews = list.flatMap((raw): Deployment[] => {
    const d = fields(raw);
    const uid = text(d?.uid);
    const name = text(d?.name);
    const createdAt = numeric(d?.createdAt) ?? numeric(d?.created);
    if (!d || uid === undefined || name === undefined || createdAt === undefined) return [];
    // A preview deployment has no target (null); `preview` is read the same way.
    const preview = d.target === null || d.target === undefined || d.target === 'preview';
    const state = text(d.readyState) ?? text(d.state);
    if (!preview || fields(d.meta)?.githubCommitRef !== head || state === 'DELETED') return [];
    return [{ uid, name, createdAt }];
  });
  return previews.sort((a, b) => b.createdAt - a.createdAt);
}

/** A redeploy's answer (`POST /v13/deployments`). */
export function readRedeployed(body: unknown): Redeployed {
  const b = fields(body);
  const url = text(b?.url);
  return { url: url === undefined ? undefined : /^https?:\/\//.test(url) ? url : `https://${url}`, inspectorUrl: text(b?.inspectorUrl) };
}
