// Turns the branch's connection details and the `env_vars` mapping into named values, each
// marked secret or not, ready for any target.

/** Everything about the branch's connection that a variable can be made of. */
export interface ConnectionDetails {
  branchId: string;
  branchName: string;
  database: string;
  role: string;
  password: string;
  /** Direct (unpooled) URL: for migrations and anything needing a session. */
  directUrl: string;
  /** Pooled URL (PgBouncer, transaction mode): for the application. */
  pooledUrl: string;
  directHost: string;
  pooledHost: string;
}

export const VARIABLE_SOURCES = ['pooled_url', 'direct_url', 'pooled_host', 'direct_host', 'role', 'database', 'password', 'branch_id', 'branch_name', 'prisma_url'] as const;
export type VariableSource = (typeof VARIABLE_SOURCES)[number];

/** Sources whose value carries the password. */
const SECRET_SOURCES: ReadonlySet<VariableSource> = new Set(['pooled_url', 'direct_url', 'prisma_url', 'password']);

/** One line of `env_vars`, with `env_prefix` already applied to the name. */
export interface VariableSpec {
  name: string;
  source: VariableSource;
}

export interface PublishedVariable {
  name: string;
  value: string;
  secret: boolean;
}

export const DEFAULT_ENV_VARS = `DATABASE_URL=pooled_url
DATABASE_URL_UNPOOLED=direct_url
PGHOST=pooled_host
PGHOST_UNPOOLED=direct_host
PGUSER=role
PGDATABASE=database
PGPASSWORD=password`;

export function isSecretSource(source: VariableSource): boolean {
  return SECRET_SOURCES.has(source);
}

/** The pooled URL with the parameters Prisma needs behind PgBouncer. */
export function prismaUrl(pooledUrl: string): string {
  const url = new URL(pooledUrl);
  url.searchParams.set('pgbouncer', 'true');
  url.searchParams.set('connect_timeout', '15');
  return url.toString();
}

function valueOf(source: VariableSource, c: ConnectionDetails): string {
  switch (source) {
    case 'pooled_url':
      return c.pooledUrl;
    case 'direct_url':
      return c.directUrl;
    case 'pooled_host':
      return c.pooledHost;
    case 'direct_host':
      return c.directHost;
    case 'role':
      return c.role;
    case 'database':
      return c.database;
    case 'password':
      return c.password;
    case 'branch_id':
      return c.branchId;
    case 'branch_name':
      return c.branchName;
    case 'prisma_url':
      return prismaUrl(c.pooledUrl);
  }
}

export function resolveVariables(specs: VariableSpec[], connection: ConnectionDetails): PublishedVariable[] {
  return specs.map((spec) => ({ name: spec.name, value: valueOf(spec.source, connection), secret: isSecretSource(spec.source) }));
}
