// Turns the branch's connection details and the `env_vars` mapping into named values, each
// marked secret or not, ready for any target.
//
// Besides Neon's own URLs (libpq's form), two stacks in Neon's guide "Connecting Neon to your
// stack" read other forms, built here from the parts (host, database, role, password) and written
// by each format's own quoting rules:
// - pgJDBC (Java tools): `jdbc:postgresql://host:5432/db?user=…&password=…&sslmode=…`, the
//   credentials as query parameters (tools on pgJDBC read none before the host). pgJDBC's
//   Driver.parseURL URL-decodes the database and every parameter value (java.net.URLDecoder:
//   `%XX` as UTF-8, `+` as a space), so each is percent-encoded, `+` and space included.
// - Npgsql (.NET): `Host=…;Port=5432;Database=…;Username=…;Password=…;SSL Mode=…`, read by
//   ADO.NET's DbConnectionStringBuilder (System.Data.Common.DbConnectionOptions): see adoNetValue.

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

export const VARIABLE_SOURCES = [
  'pooled_url',
  'direct_url',
  'pooled_host',
  'direct_host',
  'role',
  'database',
  'password',
  'branch_id',
  'branch_name',
  'prisma_url',
  'port',
  'jdbc_direct_url',
  'jdbc_pooled_url',
  'dotnet_direct_connection_string',
  'dotnet_pooled_connection_string',
] as const;
export type VariableSource = (typeof VARIABLE_SOURCES)[number];

/** Sources whose value carries the password. */
const SECRET_SOURCES: ReadonlySet<VariableSource> = new Set([
  'pooled_url',
  'direct_url',
  'prisma_url',
  'password',
  'jdbc_direct_url',
  'jdbc_pooled_url',
  'dotnet_direct_connection_string',
  'dotnet_pooled_connection_string',
]);

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

/**
 * Neon's Postgres port, direct and pooled alike ("Neon uses the default Postgres port, 5432");
 * its URLs name none, so it is written out for the forms that have a place for it.
 */
const NEON_PORT = 5432;

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

// libpq's values for `sslmode` and `channel_binding`, and how the two other drivers spell them:
// pgJDBC takes libpq's words (its PGProperty SSL_MODE and CHANNEL_BINDING); Npgsql parses its
// SslMode and ChannelBinding enums by name, ignoring case, so `verify-full` must become VerifyFull.
const SSL_MODES = { disable: 'Disable', allow: 'Allow', prefer: 'Prefer', require: 'Require', 'verify-ca': 'VerifyCA', 'verify-full': 'VerifyFull' } as const;
const CHANNEL_BINDINGS = { disable: 'Disable', prefer: 'Prefer', require: 'Require' } as const;
type SslMode = keyof typeof SSL_MODES;
type ChannelBinding = keyof typeof CHANNEL_BINDINGS;

/**
 * What a connection URL's query says about TLS, the one part of it that the other forms carry.
 *
 * - `sslmode` is carried (it decides whether the connection is encrypted and how the server is
 *   checked): Neon's URLs say `require`, the sandbox's `disable`. A URL without one, or with a word
 *   libpq does not know, gets `require`, since Neon refuses connections without TLS.
 * - `channel_binding` is carried when the URL has it (Neon's say `require`: the SCRAM login is
 *   bound to the TLS channel, so a man in the middle cannot relay it, which matters most with
 *   `require`, which checks no certificate). Without it each driver keeps its default (`prefer`).
 * - Nothing else is, the sandbox's `host`/`port` routing to its local listeners included: Npgsql
 *   has a single `Host`, so carrying it would replace the endpoint's name with 127.0.0.1, and
 *   these forms name the endpoint and Neon's port like the `*_host` and `port` sources do. Real
 *   Neon URLs carry no routing, and the sandbox is reached through its URLs.
 *
 * libpq keeps the last of a repeated parameter, and so does this.
 */
function tlsOf(url: string): { sslmode: SslMode; channelBinding?: ChannelBinding } {
  const query = new URL(url).searchParams;
  const sslmode = query.getAll('sslmode').at(-1);
  const channelBinding = query.getAll('channel_binding').at(-1);
  return {
    sslmode: sslmode !== undefined && Object.hasOwn(SSL_MODES, sslmode) ? (sslmode as SslMode) : 'require',
    ...(channelBinding !== undefined && Object.hasOwn(CHANNEL_BINDINGS, channelBinding) ? { channelBinding: channelBinding as ChannelBinding } : {}),
  };
}

function endpoint(c: ConnectionDetails, pooled: boolean): { host: string; url: string } {
  return pooled ? { host: c.pooledHost, url: c.pooledUrl } : { host: c.directHost, url: c.directUrl };
}

/**
 * pgJDBC's URL: `jdbc:postgresql://host:5432/db?user=…&password=…&sslmode=…[&channelBinding=…]`.
 * encodeURIComponent leaves only `A-Z a-z 0-9 - _ . ! ~ * ' ( )` as they are, none of which
 * URLDecoder changes or pgJDBC splits on (`/` in the database, `?` before the query, `&` and `=`
 * in it), and it writes `+` as %2B and a space as %20.
 * `channelBinding` is pgJDBC's name for libpq's channel_binding (42.7.4 and later; an older
 * pgJDBC ignores a parameter it does not know).
 */
export function jdbcUrl(c: ConnectionDetails, pooled: boolean): string {
  const { host, url } = endpoint(c, pooled);
  const tls = tlsOf(url);
  const query: [string, string][] = [
    ['user', c.role],
    ['password', c.password],
    ['sslmode', tls.sslmode],
  ];
  if (tls.channelBinding) query.push(['channelBinding', tls.channelBinding]);
  return `jdbc:postgresql://${host}:${NEON_PORT}/${encodeURIComponent(c.database)}?${query.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&')}`;
}

/**
 * One value of an ADO.NET connection string, written as DbConnectionStringBuilder writes it
 * (DbConnectionOptions.AppendKeyValuePairBuilder, non-ODBC rules), so that its parser
 * (DbConnectionOptions.GetKeyValuePair) gives the value back unchanged:
 * - a value with none of `"` `'` `=` `;`, white space or control characters stays bare;
 * - one with `"` but no `'` is enclosed in `'…'` (nothing inside needs doubling);
 * - any other is enclosed in `"…"`, each `"` doubled.
 * Two cases are quoted beyond the builder's rule, both still read unchanged by .NET: a value
 * starting with `{` (SqlClient-style parsers, such as tedious's, read `{…}` as a quoted value) and
 * the empty value (bare, `Password=` reads as no password at all).
 * A NUL cannot be carried in any form.
 */
export function adoNetValue(value: string): string {
  if (value.includes('\0')) throw new Error('a .NET connection string cannot carry a NUL character');
  if (value !== '' && !value.startsWith('{') && /^[^"'=;\s\p{Cc}]*$/u.test(value)) return value;
  if (value.includes('"') && !value.includes("'")) return `'${value}'`;
  return `"${value.replaceAll('"', '""')}"`;
}

/**
 * Npgsql's keyword form. `Channel Binding` exists from Npgsql 8.0 on, and an older Npgsql refuses
 * a keyword it does not know; it is written only when the URL has channel_binding (Neon's do).
 * Npgsql 6 and 7 refuse `SSL Mode=Require` anyway without `Trust Server Certificate=true`, a
 * requirement Npgsql 8 dropped (current Npgsql marks that keyword obsolete: it does nothing), so
 * this form is for Npgsql 8 and later either way.
 */
export function npgsqlConnectionString(c: ConnectionDetails, pooled: boolean): string {
  const { host, url } = endpoint(c, pooled);
  const tls = tlsOf(url);
  const pairs: [string, string][] = [
    ['Host', host],
    ['Port', String(NEON_PORT)],
    ['Database', c.database],
    ['Username', c.role],
    ['Password', c.password],
    ['SSL Mode', SSL_MODES[tls.sslmode]],
  ];
  if (tls.channelBinding) pairs.push(['Channel Binding', CHANNEL_BINDINGS[tls.channelBinding]]);
  return pairs.map(([key, value]) => `${key}=${adoNetValue(value)}`).join(';');
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
    case 'port':
      return String(NEON_PORT);
    case 'jdbc_direct_url':
      return jdbcUrl(c, false);
    case 'jdbc_pooled_url':
      return jdbcUrl(c, true);
    case 'dotnet_direct_connection_string':
      return npgsqlConnectionString(c, false);
    case 'dotnet_pooled_connection_string':
      return npgsqlConnectionString(c, true);
  }
}

export function resolveVariables(specs: VariableSpec[], connection: ConnectionDetails): PublishedVariable[] {
  return specs.map((spec) => ({ name: spec.name, value: valueOf(spec.source, connection), secret: isSecretSource(spec.source) }));
}
