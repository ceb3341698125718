// Starts the Neon stand-in: the project with its default branch, the Postgres engine when asked,
// and every route (each file of this folder adds the routes of one concern).
import { randomUUID } from 'node:crypto';
import { DescriptionCheck, readPackagedDescription } from '../api-description.js';
import { StandIn } from '../server.js';
import { NeonApp, type Settings } from './app.js';
import { branchRoutes } from './branches.js';
import { connectionRoute } from './connection.js';
import { createBranchRoute } from './create-branch.js';
import { EngineLink } from './engine.js';
import { testHandle } from './handle.js';
import { Neon } from './model.js';
import { operationRoutes } from './operation-routes.js';
import { partRoutes } from './parts.js';
import { recoverRoute } from './recover.js';
import { restoreRoute } from './restore.js';
import { roleRoutes } from './roles.js';
import { DEFAULT_SCHEMA, schemaRoutes } from './schema.js';
import type { NeonStandIn, NeonStandInOptions } from './types.js';
import { errorCode, rolePassword } from './util.js';

const DESCRIPTION = '@neondatabase/api-client/public-v2-for-users.gen.yaml';
let descriptionCheck: Promise<DescriptionCheck> | undefined;

/** Neon's description, loaded once per process (it is ~430 KB of YAML). */
function neonDescriptionCheck(): Promise<DescriptionCheck> {
  descriptionCheck ??= DescriptionCheck.create(readPackagedDescription(DESCRIPTION));
  return descriptionCheck;
}

/** Endpoint hosts with the `postgres` option: Neon-shaped names under a reserved local domain (RFC 2606 `.test`). */
export const LOCAL_ENDPOINT_DOMAIN = 'stand-in.neon.test';

function settingsOf(options: NeonStandInOptions): Settings {
  const projectId = options.projectId ?? 'proj-preview-1';
  // Without the engine a host is never connected to: the real region's domain, as Neon answers.
  const domain = options.postgres ? LOCAL_ENDPOINT_DOMAIN : 'c-2.us-east-2.aws.neon.tech';
  if (!/^[a-z0-9-]{1,60}$/.test(projectId)) throw new Error(`invalid Neon project id: ${projectId}`);
  return {
    projectId,
    apiKeys: new Set(options.apiKeys ?? ['neon-test-key']),
    operationMs: options.operationMs ?? 300,
    pageLimitDefault: options.pageLimitDefault ?? 10000,
    now: options.now ?? Date.now,
    rootBranchLimit: options.rootBranchLimit ?? 3,
    expiryUnsupported: options.expiryUnsupported ?? false,
    deletedNamesReserved: options.deletedNamesReserved ?? false,
    namedHost: options.endpointHost ?? ((id: string, pooled: boolean) => `${id}${pooled ? '-pooler' : ''}.${domain}`),
  };
}

export async function startNeonStandIn(options: NeonStandInOptions = {}): Promise<NeonStandIn> {
  const settings = settingsOf(options);
  const postgresOptions = options.postgres === true ? {} : options.postgres;
  const [requestCheck, engine] = await Promise.all([
    options.checkRequests === false ? undefined : neonDescriptionCheck(),
    // The engine (and PGlite) is loaded only when the `postgres` option asks for it.
    postgresOptions
      ? import('../postgres.js').then(({ startPostgresEngine }) =>
          startPostgresEngine({
            database: 'neondb',
            role: 'neondb_owner',
            ...(postgresOptions.seedSql !== undefined ? { seedSql: postgresOptions.seedSql } : {}),
            ...(postgresOptions.maxConnections !== undefined ? { maxConnections: postgresOptions.maxConnections } : {}),
          }),
        )
      : undefined,
  ]);
  const link = engine ? new EngineLink(engine, settings.now) : undefined;

  const standIn = new StandIn('neon', {
    latencyMs: options.latencyMs,
    faults: options.faults,
    requestCheck,
    errorBody: (status, message) => ({ code: errorCode(status), message, request_id: randomUUID() }),
  });
  // The model asks the app for hosts, which depend on the model's endpoints.
  const hosts: { of?: (id: string, pooled: boolean) => string } = {};
  const neon = new Neon(settings.projectId, settings.operationMs, (id, pooled) => hosts.of!(id, pooled), settings.now, link?.gate);
  const app = new NeonApp(neon, standIn, settings, link);
  hosts.of = (id, pooled) => app.endpointHost(id, pooled);

  // The project's default branch `main`: ready, one read_write endpoint, neondb / neondb_owner.
  const start = settings.now();
  const main = neon.newBranch({ name: 'main', isDefault: true, at: start });
  main.databases.push(neon.newDatabase('neondb', 'neondb_owner', start));
  main.schemas.set('neondb', DEFAULT_SCHEMA);
  main.roles.push({ name: 'neondb_owner', password: rolePassword(), createdAt: start });
  neon.newEndpoint(main.id, 'read_write', start);
  neon.defaultBranchId = main.id;
  if (link) {
    try {
      await (
        await link.create(main.id, {})
      ).ready;
    } catch (error) {
      await link.stop();
      throw error;
    }
  }

  createBranchRoute(app);
  branchRoutes(app);
  partRoutes(app);
  roleRoutes(app);
  schemaRoutes(app);
  restoreRoute(app);
  recoverRoute(app);
  connectionRoute(app);
  operationRoutes(app);

  await standIn.start();
  return testHandle(app);
}
