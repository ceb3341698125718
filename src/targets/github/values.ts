// The environment's values: secrets sealed with the environment's public key (libsodium sealed
// box), variables in plain text, both listed to find what changed and what left the mapping.
// GitHub stores and lists their names in upper case and compares them case-insensitively.
import { eachLimited } from '../../concurrency.js';
import { createOrAdopt } from '../../http/create-or-adopt.js';
import { ApiError } from '../../http/failure.js';
import { note, type Note } from '../../note.js';
import type { PublishedVariable } from '../../variables.js';
import { CONCURRENCY, type GitHubApi, type Place } from './calls.js';

/** GitHub's largest page: 30 for environment variables, 100 for secrets. */
const VARIABLES_PER_PAGE = 30;
const SECRETS_PER_PAGE = 100;

export interface PublicKey {
  keyId: string;
  key: Uint8Array;
}

/** What an environment holds: never a secret's value (GitHub does not show them). */
export interface ExistingValues {
  /** Secret names as GitHub lists them (upper-case). */
  secrets: string[];
  /** Variable values by name as GitHub lists them (upper-case). */
  variables: Map<string, string>;
}

/**
 * libsodium, loaded on first use: only a run that writes a secret needs it, and loading it (with
 * its WebAssembly) costs tens of milliseconds the other runs do not pay.
 */
let sodiumLoading: Promise<typeof import('libsodium-wrappers').default> | undefined;
function loadSodium(): Promise<typeof import('libsodium-wrappers').default> {
  sodiumLoading ??= import('libsodium-wrappers').then(async ({ default: sodium }) => {
    await sodium.ready;
    return sodium;
  });
  return sodiumLoading;
}

/** Seals `value` for GitHub with the environment's public key (libsodium sealed box, base64). */
async function sealSecret(value: string, publicKey: Uint8Array): Promise<string> {
  const sodium = await loadSodium();
  return sodium.to_base64(sodium.crypto_box_seal(sodium.from_string(value), publicKey), sodium.base64_variants.ORIGINAL);
}

export async function readPublicKey(api: GitHubApi, at: Place): Promise<PublicKey> {
  const { owner, repo, environment } = at;
  const { data } = await api.must(at, 'get public key', `get public key of environment ${environment}`, (signal) =>
    api.octokit.rest.actions.getEnvironmentPublicKey({ owner, repo, environment_name: environment, request: { signal } }),
  );
  const sodium = await loadSodium();
  return { keyId: data.key_id, key: sodium.from_base64(data.key, sodium.base64_variants.ORIGINAL) };
}

export async function listValues(api: GitHubApi, at: Place): Promise<ExistingValues> {
  const { owner, repo, environment } = at;
  const [secrets, variables] = await Promise.all([
    api.list(at, 'list secrets', `list secrets of environment ${environment}`, async (page, signal) => {
      const { data, headers } = await api.octokit.rest.actions.listEnvironmentSecrets({ owner, repo, environment_name: environment, per_page: SECRETS_PER_PAGE, page, request: { signal } });
      return { items: data.secrets.map((s) => s.name), link: headers.link };
    }),
    api.list(at, 'list variables', `list variables of environment ${environment}`, async (page, signal) => {
      const { data, headers } = await api.octokit.rest.actions.listEnvironmentVariables({ owner, repo, environment_name: environment, per_page: VARIABLES_PER_PAGE, page, request: { signal } });
      return { items: data.variables.map((v) => [v.name, v.value] as const), link: headers.link };
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
export async function writeValues(
  api: GitHubApi,
  at: Place,
  variables: PublishedVariable[],
  known: { publicKey?: PublicKey; existing?: ExistingValues },
): Promise<{ notes: Note[]; removedNames: string[] }> {
  const secrets = variables.filter((v) => v.secret);
  const plain = variables.filter((v) => !v.secret);
  const current = known.existing ?? { secrets: [], variables: new Map<string, string>() };
  let key = secrets.length === 0 ? undefined : (known.publicKey ?? (await readPublicKey(api, at)));

  const tasks: Array<() => Promise<void>> = [];
  let freshKey: Promise<PublicKey> | undefined;
  for (const secret of secrets) {
    tasks.push(async () => {
      const used = key!;
      try {
        await putSecret(api, at, secret, used);
      } catch (error) {
        // The key was rotated since it was read: read it again (once per run) and seal again.
        if (!(error instanceof ApiError) || error.status !== 422) throw error;
        freshKey ??= readPublicKey(api, at);
        const fresh = await freshKey;
        if (fresh.keyId === used.keyId) throw error;
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
  const removedNames: string[] = [];
  for (const name of current.secrets) {
    if (secretNames.has(name.toUpperCase())) continue;
    if (!mapped.has(name.toUpperCase())) removedNames.push(name);
    tasks.push(() => deleteValue(api, at, 'secret', name));
  }
  for (const name of current.variables.keys()) {
    if (plainNames.has(name.toUpperCase())) continue;
    if (!mapped.has(name.toUpperCase()) && !removedNames.includes(name)) removedNames.push(name);
    tasks.push(() => deleteValue(api, at, 'variable', name));
  }
  await eachLimited(tasks, CONCURRENCY, (task) => task());
  const notes: Note[] = [];
  if (unchanged > 0) notes.push(unchanged === 1 ? note`1 variable already had its value.` : note`${unchanged} variables already had their value.`);
  return { notes, removedNames };
}

async function putSecret(api: GitHubApi, at: Place, secret: PublishedVariable, key: PublicKey): Promise<void> {
  const { owner, repo, environment } = at;
  const encrypted = await sealSecret(secret.value, key.key);
  await api.call(at, 'set secret', `set secret ${secret.name} in environment ${environment}`, (signal) =>
    api.octokit.rest.actions.createOrUpdateEnvironmentSecret({
      owner,
      repo,
      environment_name: environment,
      secret_name: secret.name,
      encrypted_value: encrypted,
      key_id: key.keyId,
      request: { signal },
    }),
  );
}

/**
 * Updates (PATCH) a variable the listing showed, or creates it (POST). A create refused with 409
 * (another run made it meanwhile) or whose answer was lost updates what is there; an update that
 * finds it gone (404) creates it.
 */
async function writeVariable(api: GitHubApi, at: Place, variable: PublishedVariable, listed: boolean): Promise<void> {
  const { owner, repo, environment } = at;
  const { name, value } = variable;
  const update = async (): Promise<true | undefined> => {
    const done = await api.call(
      at,
      'update variable',
      `update variable ${name} in environment ${environment}`,
      (signal) => api.octokit.rest.actions.updateEnvironmentVariable({ owner, repo, environment_name: environment, name, value, request: { signal } }),
      { acceptStatus: [404] },
    );
    return done === undefined ? undefined : true;
  };
  if (listed && (await update())) return;
  await createOrAdopt({
    create: async () => {
      await api.call(
        at,
        'create variable',
        `create variable ${name} in environment ${environment}`,
        (signal) => api.octokit.rest.actions.createEnvironmentVariable({ owner, repo, environment_name: environment, name, value, request: { signal } }),
        { idempotent: false },
      );
      return true as const;
    },
    adopt: update,
    exists: (error) => error.status === 409,
  });
}

async function deleteValue(api: GitHubApi, at: Place, kind: 'secret' | 'variable', name: string): Promise<void> {
  const { owner, repo, environment } = at;
  const operation = `delete ${kind} ${name} from environment ${environment}`;
  if (kind === 'secret') {
    await api.call(
      at,
      'delete secret',
      operation,
      (signal) => api.octokit.rest.actions.deleteEnvironmentSecret({ owner, repo, environment_name: environment, secret_name: name, request: { signal } }),
      { acceptStatus: [404] },
    );
  } else {
    await api.call(at, 'delete variable', operation, (signal) => api.octokit.rest.actions.deleteEnvironmentVariable({ owner, repo, environment_name: environment, name, request: { signal } }), {
      acceptStatus: [404],
    });
  }
}
