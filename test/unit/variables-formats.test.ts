// The JDBC and .NET sources, read back the way their drivers read them.
//
// No well-kept npm package parses pgJDBC's URLs (the "JDBC" parsers on npm read SQL Server's
// `jdbc:sqlserver://…;key=value` form), so parsePgJdbcUrl below is pgJDBC's own Driver.parseURL
// (pgjdbc/pgjdbc, pgjdbc/src/main/java/org/postgresql/Driver.java) step by step, with
// java.net.URLDecoder, which pgJDBC's URLCoder.decode calls.
//
// .NET's connection strings are read twice: by @tediousjs/connection-string, the parser of the
// `mssql` and `tedious` packages, and by parseAdoNet below, .NET's own parser step by step
// (dotnet/runtime, src/libraries/Common/src/System/Data/Common/DbConnectionOptions.Common.cs:
// GetKeyValuePair and ParseInternal, non-ODBC rules), which NpgsqlConnectionStringBuilder inherits
// from DbConnectionStringBuilder; npgsqlSettings then applies Npgsql's keywords and enum parsing
// (npgsql/npgsql, src/Npgsql/NpgsqlConnectionStringBuilder.cs and the generated setters). The port
// catches what tedious's more lenient parser lets through: .NET refuses an unquoted value that ends
// in a quote, tedious reads it.
import { parse as parseTedious } from '@tediousjs/connection-string';
import { describe, expect, it } from 'vitest';
import { adoNetValue, jdbcUrl, npgsqlConnectionString, resolveVariables, type ConnectionDetails, type VariableSource } from '../../src/variables.js';

// --- pgJDBC -----------------------------------------------------------------------------------

/**
 * java.net.URLDecoder.decode(s, "UTF-8"): `+` is a space, each run of `%XX` is a run of UTF-8
 * bytes, and a `%` without two hex digits after it is an error (IllegalArgumentException, on which
 * pgJDBC refuses the URL). Java's Integer.parseInt would also take `%+1`; no value here has one.
 */
function javaUrlDecode(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '+') {
      out += ' ';
      i++;
    } else if (c === '%') {
      const bytes: number[] = [];
      while (i < s.length && s[i] === '%') {
        const hex = s.slice(i + 1, i + 3);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new Error(`URLDecoder: illegal escape at ${i}`);
        bytes.push(parseInt(hex, 16));
        i += 3;
      }
      out += new TextDecoder('utf-8').decode(new Uint8Array(bytes));
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Driver.parseURL: the URL's properties, or null where pgJDBC refuses the URL. */
function parsePgJdbcUrl(url: string): Map<string, string> | null {
  const props = new Map<string, string>();
  const decode = (s: string): string | null => {
    try {
      return javaUrlDecode(s);
    } catch {
      return null;
    }
  };
  let urlServer = url;
  let urlArgs = '';
  const qPos = url.indexOf('?');
  if (qPos !== -1) {
    urlServer = url.slice(0, qPos);
    urlArgs = url.slice(qPos + 1);
  }
  if (!urlServer.startsWith('jdbc:postgresql:')) return null;
  urlServer = urlServer.slice('jdbc:postgresql:'.length);
  if (urlServer === '//' || urlServer === '///') {
    urlServer = '';
  } else if (urlServer.startsWith('//')) {
    urlServer = urlServer.slice(2);
    if ([...urlServer].filter((ch) => ch === '/').length > 1) return null;
    const slash = urlServer.indexOf('/');
    if (slash === -1) return null;
    if (!urlServer.endsWith('/')) {
      const db = decode(urlServer.slice(slash + 1));
      if (db === null) return null;
      props.set('PGDBNAME', db);
    }
    const hosts: string[] = [];
    const ports: string[] = [];
    for (const address of urlServer.slice(0, slash).split(',')) {
      const portIdx = address.lastIndexOf(':');
      if (portIdx !== -1 && address.lastIndexOf(']') < portIdx) {
        ports.push(address.slice(portIdx + 1));
        hosts.push(address.slice(0, portIdx) || 'localhost');
      } else {
        ports.push('5432');
        hosts.push(address);
      }
    }
    props.set('PGHOST', hosts.join(','));
    props.set('PGPORT', ports.join(','));
  } else if (urlServer.startsWith('/')) {
    return null;
  } else {
    const db = decode(urlServer);
    if (db === null) return null;
    props.set('PGDBNAME', db);
  }
  for (const token of urlArgs.split('&')) {
    if (token === '') continue;
    const pos = token.indexOf('=');
    if (pos === -1) {
      props.set(token, '');
      continue;
    }
    // PGPropertyUtil.translatePGServiceToPGProperty: host, port and dbname set PGHOST, PGPORT, PGDBNAME.
    const key = token.slice(0, pos);
    const translated = ['PGHOST', 'PGPORT', 'PGDBNAME'].includes(`PG${key.toUpperCase()}`) ? `PG${key.toUpperCase()}` : key;
    const value = decode(token.slice(pos + 1));
    if (value === null) return null;
    props.set(translated, value);
  }
  if (!props.has('PGPORT')) props.set('PGPORT', '5432');
  if (!props.has('PGHOST')) props.set('PGHOST', 'localhost');
  // PGPropertyUtil.propertiesConsistencyCheck: every port a number in 1..65535, as many hosts as ports.
  const portList = props.get('PGPORT')!.split(',');
  if (!portList.every((p) => /^\d+$/.test(p) && Number(p) >= 1 && Number(p) <= 65535)) return null;
  if (props.get('PGHOST')!.split(',').length !== portList.length) return null;
  return props;
}

// --- ADO.NET / Npgsql -------------------------------------------------------------------------

/** char.IsWhiteSpace: Unicode separators, U+0009..U+000D and U+0085. */
const isWhiteSpace = (ch: string) => /^[\t\n\v\f\r\x85\p{Z}]$/u.test(ch);
/** char.IsControl. */
const isControl = (ch: string) => /^\p{Cc}$/u.test(ch);

type ParserState =
  'NothingYet' | 'Key' | 'KeyEqual' | 'KeyEnd' | 'UnquotedValue' | 'DoubleQuoteValue' | 'DoubleQuoteValueQuote' | 'SingleQuoteValue' | 'SingleQuoteValueQuote' | 'QuotedValueEnd' | 'NullTermination';

function syntaxError(position: number): Error {
  return new Error(`Format of the initialization string does not conform to specification starting at index ${position}.`);
}

function trimWhiteSpace(s: string, leading: boolean): string {
  const chars = [...s];
  while (chars.length > 0 && isWhiteSpace(chars[chars.length - 1]!)) chars.pop();
  while (leading && chars.length > 0 && isWhiteSpace(chars[0]!)) chars.shift();
  return chars.join('');
}

/**
 * DbConnectionOptions.GetKeyValuePair with useOdbcRules = false. A C# `break` in its switch appends
 * the character to the buffer, a `continue` does not; `goto case` re-dispatches the same character.
 */
function keyValuePair(cs: string, currentPosition: number): { next: number; key?: string; value: string | null } {
  let startPosition = currentPosition;
  let buffer = '';
  let key: string | undefined;
  let value: string | null = null;
  let currentChar = '\0';
  let state: ParserState = 'NothingYet';
  chars: for (; currentPosition < cs.length; ++currentPosition) {
    currentChar = cs[currentPosition]!;
    let append = true;
    dispatch: for (;;) {
      switch (state) {
        case 'NothingYet':
          if (currentChar === ';' || isWhiteSpace(currentChar)) {
            append = false;
            break dispatch;
          }
          if (currentChar === '\0') {
            state = 'NullTermination';
            append = false;
            break dispatch;
          }
          if (isControl(currentChar)) throw syntaxError(startPosition);
          startPosition = currentPosition;
          if (currentChar !== '=') {
            state = 'Key';
            break dispatch;
          }
          state = 'KeyEqual';
          append = false;
          break dispatch;
        case 'Key':
          if (currentChar === '=') {
            state = 'KeyEqual';
            append = false;
            break dispatch;
          }
          if (isWhiteSpace(currentChar)) break dispatch;
          if (isControl(currentChar)) throw syntaxError(startPosition);
          break dispatch;
        case 'KeyEqual':
          if (currentChar === '=') {
            state = 'Key';
            break dispatch;
          }
          key = trimWhiteSpace(buffer, false).toLowerCase();
          if (!key) throw syntaxError(startPosition);
          buffer = '';
          state = 'KeyEnd';
          continue dispatch;
        case 'KeyEnd':
          if (isWhiteSpace(currentChar)) {
            append = false;
            break dispatch;
          }
          if (currentChar === "'") {
            state = 'SingleQuoteValue';
            append = false;
            break dispatch;
          }
          if (currentChar === '"') {
            state = 'DoubleQuoteValue';
            append = false;
            break dispatch;
          }
          if (currentChar === ';' || currentChar === '\0') break chars;
          if (isControl(currentChar)) throw syntaxError(startPosition);
          state = 'UnquotedValue';
          break dispatch;
        case 'UnquotedValue':
          if (isWhiteSpace(currentChar)) break dispatch;
          if (isControl(currentChar) || currentChar === ';') break chars;
          break dispatch;
        case 'DoubleQuoteValue':
          if (currentChar === '"') {
            state = 'DoubleQuoteValueQuote';
            append = false;
            break dispatch;
          }
          if (currentChar === '\0') throw syntaxError(startPosition);
          break dispatch;
        case 'DoubleQuoteValueQuote':
          if (currentChar === '"') {
            state = 'DoubleQuoteValue';
            break dispatch;
          }
          value = buffer;
          state = 'QuotedValueEnd';
          continue dispatch;
        case 'SingleQuoteValue':
          if (currentChar === "'") {
            state = 'SingleQuoteValueQuote';
            append = false;
            break dispatch;
          }
          if (currentChar === '\0') throw syntaxError(startPosition);
          break dispatch;
        case 'SingleQuoteValueQuote':
          if (currentChar === "'") {
            state = 'SingleQuoteValue';
            break dispatch;
          }
          value = buffer;
          state = 'QuotedValueEnd';
          continue dispatch;
        case 'QuotedValueEnd':
          if (isWhiteSpace(currentChar)) {
            append = false;
            break dispatch;
          }
          if (currentChar === ';') break chars;
          if (currentChar === '\0') {
            state = 'NullTermination';
            append = false;
            break dispatch;
          }
          throw syntaxError(startPosition); // unbalanced quote
        case 'NullTermination':
          if (currentChar === '\0' || isWhiteSpace(currentChar)) {
            append = false;
            break dispatch;
          }
          throw syntaxError(currentPosition);
      }
    }
    if (append) buffer += currentChar;
  }
  switch (state) {
    case 'Key':
    case 'DoubleQuoteValue':
    case 'SingleQuoteValue':
      throw syntaxError(startPosition); // no `=`, or an unbalanced quote
    case 'KeyEqual':
      key = trimWhiteSpace(buffer, false).toLowerCase();
      if (!key) throw syntaxError(startPosition);
      break;
    case 'UnquotedValue': {
      value = trimWhiteSpace(buffer, true);
      const last = value[value.length - 1];
      if (last === "'" || last === '"') throw syntaxError(startPosition); // an unquoted value must not end in a quote
      break;
    }
    case 'DoubleQuoteValueQuote':
    case 'SingleQuoteValueQuote':
    case 'QuotedValueEnd':
      value = buffer;
      break;
    default:
      break;
  }
  if (currentChar === ';' && currentPosition < cs.length) currentPosition++;
  return { next: currentPosition, ...(key === undefined ? {} : { key }), value };
}

/** DbConnectionOptions.ParseInternal: keys lowercased, the last of a repeated key wins; null is `Key=` with nothing after. */
function parseAdoNet(cs: string): Map<string, string | null> {
  const table = new Map<string, string | null>();
  let next = 0;
  while (next < cs.length) {
    const pair = keyValuePair(cs, next);
    next = pair.next;
    if (!pair.key) break;
    if (pair.key.startsWith(';') || isWhiteSpace(pair.key[0]!) || pair.key.includes('\0')) throw new Error(`Keyword not supported: '${pair.key}'.`);
    table.set(pair.key, pair.value);
  }
  return table;
}

// NpgsqlConnectionStringBuilder: each keyword is its DisplayName, its property name or an alias,
// matched upper-cased; any other keyword is refused.
const NPGSQL_KEYWORDS: Record<string, string> = {
  HOST: 'Host',
  SERVER: 'Host',
  PORT: 'Port',
  DATABASE: 'Database',
  DB: 'Database',
  USERNAME: 'Username',
  'USER NAME': 'Username',
  USERID: 'Username',
  'USER ID': 'Username',
  UID: 'Username',
  PASSWORD: 'Password',
  PSW: 'Password',
  PWD: 'Password',
  'SSL MODE': 'SslMode',
  SSLMODE: 'SslMode',
  'CHANNEL BINDING': 'ChannelBinding',
  CHANNELBINDING: 'ChannelBinding',
};
const NPGSQL_ENUMS: Record<string, string[]> = {
  SslMode: ['Disable', 'Allow', 'Prefer', 'Require', 'VerifyCA', 'VerifyFull'],
  ChannelBinding: ['Disable', 'Prefer', 'Require'],
};

/** What `new NpgsqlConnectionStringBuilder(cs)` holds for the keywords these strings use. */
function npgsqlSettings(cs: string): Record<string, string | number> {
  const settings: Record<string, string | number> = {};
  for (const [keyword, value] of parseAdoNet(cs)) {
    const property = NPGSQL_KEYWORDS[keyword.toUpperCase()];
    if (!property) throw new Error(`Keyword not supported: ${keyword}`);
    if (value === null) {
      delete settings[property]; // the indexer removes a keyword set to null
    } else if (property === 'Port') {
      if (!/^\d+$/.test(value)) throw new Error(`Couldn't set ${keyword}`);
      settings[property] = Number(value);
    } else if (NPGSQL_ENUMS[property]) {
      // Enum.Parse(type, value, ignoreCase: true)
      const member = NPGSQL_ENUMS[property].find((name) => name.toLowerCase() === value.toLowerCase());
      if (!member) throw new Error(`Couldn't set ${keyword}`);
      settings[property] = member;
    } else {
      settings[property] = value;
    }
  }
  return settings;
}

// --- the values -------------------------------------------------------------------------------

const DIRECT_HOST = 'ep-cool-darkness-a1b2c3d4.us-east-2.aws.neon.tech';
const POOLED_HOST = 'ep-cool-darkness-a1b2c3d4-pooler.us-east-2.aws.neon.tech';

/** A branch's details with Neon's URLs for them (libpq's percent-encoding, Neon's query). */
function details(parts: { password: string; database?: string; role?: string; directQuery?: string; pooledQuery?: string }): ConnectionDetails {
  const database = parts.database ?? 'neondb';
  const role = parts.role ?? 'neondb_owner';
  const url = (host: string, query: string) => `postgresql://${encodeURIComponent(role)}:${encodeURIComponent(parts.password)}@${host}/${encodeURIComponent(database)}?${query}`;
  return {
    branchId: 'br-quiet-sun-123',
    branchName: 'preview/pr-7',
    database,
    role,
    password: parts.password,
    directUrl: url(DIRECT_HOST, parts.directQuery ?? 'sslmode=require&channel_binding=require'),
    pooledUrl: url(POOLED_HOST, parts.pooledQuery ?? 'sslmode=require&channel_binding=require'),
    directHost: DIRECT_HOST,
    pooledHost: POOLED_HOST,
  };
}

function valueOf(source: VariableSource, c: ConnectionDetails): string {
  const [variable] = resolveVariables([{ name: 'X', source }], c);
  return variable!.value;
}

const HOSTILE = [
  'semi;colon',
  'equals=sign',
  "single'quote",
  'double"quote',
  `both'and"quotes`,
  'amp&ersand',
  'per%cent',
  '%41%2B%zz',
  'plus+sign',
  'slash/es',
  'question?mark',
  'hash#mark',
  'white space',
  ' leading space',
  'trailing space ',
  '"fully quoted"',
  "'fully single-quoted'",
  '{braced}',
  '{open',
  'ends with quote"',
  "ends with quote'",
  'a==b',
  ';',
  '=',
  '"',
  "'",
  '""',
  "''",
  '+',
  '%',
  '@:,[]!*()$~`^|\\<>',
  'tab\there',
  'line\nbreak',
  'non-breaking\u00a0space',
  'ünïcödé',
  '日本語のパスワード',
  'elephant 🐘',
  'npg_AbC123dEf',
];

describe('pgJDBC URLs', () => {
  it('name the endpoint, Neon port and database, with the credentials and TLS settings as parameters', () => {
    const c = details({ password: 'npg_p@ss/w0rd' });
    expect(valueOf('jdbc_pooled_url', c)).toBe(`jdbc:postgresql://${POOLED_HOST}:5432/neondb?user=neondb_owner&password=npg_p%40ss%2Fw0rd&sslmode=require&channelBinding=require`);
    expect(valueOf('jdbc_direct_url', c)).toBe(`jdbc:postgresql://${DIRECT_HOST}:5432/neondb?user=neondb_owner&password=npg_p%40ss%2Fw0rd&sslmode=require&channelBinding=require`);
  });

  it.each(HOSTILE)('give back host, port, database, role and password to pgJDBC: %j', (hostile) => {
    const c = details({ password: hostile, database: `db ${hostile}`, role: `role ${hostile}` });
    for (const [source, host] of [
      ['jdbc_pooled_url', POOLED_HOST],
      ['jdbc_direct_url', DIRECT_HOST],
    ] as const) {
      const props = parsePgJdbcUrl(valueOf(source, c));
      expect(props, source).not.toBeNull();
      expect(Object.fromEntries(props!)).toEqual({ PGHOST: host, PGPORT: '5432', PGDBNAME: c.database, user: c.role, password: c.password, sslmode: 'require', channelBinding: 'require' });
    }
  });

  it('percent-encode what URLDecoder would change: `+` and space as %2B and %20, `%` as %25', () => {
    const url = jdbcUrl(details({ password: 'a+b c%d' }), true);
    expect(url).toContain('password=a%2Bb%20c%25d&');
    expect(javaUrlDecode('a+b')).toBe('a b'); // the reason: a bare `+` would come back as a space
  });

  it('carry the pooled URL into the pooled value and the direct URL into the direct one', () => {
    const c = details({ password: 'pw', directQuery: 'sslmode=verify-full', pooledQuery: 'sslmode=require&channel_binding=require' });
    expect(Object.fromEntries(parsePgJdbcUrl(jdbcUrl(c, false))!)).toMatchObject({ PGHOST: DIRECT_HOST, sslmode: 'verify-full' });
    expect(parsePgJdbcUrl(jdbcUrl(c, false))!.has('channelBinding')).toBe(false);
    expect(Object.fromEntries(parsePgJdbcUrl(jdbcUrl(c, true))!)).toMatchObject({ PGHOST: POOLED_HOST, sslmode: 'require', channelBinding: 'require' });
  });
});

describe('Npgsql connection strings', () => {
  it('use Npgsql keywords, with channel binding when the URL asks for it', () => {
    const c = details({ password: 'npg_p@ss/w0rd' });
    expect(valueOf('dotnet_pooled_connection_string', c)).toBe(`Host=${POOLED_HOST};Port=5432;Database=neondb;Username=neondb_owner;Password=npg_p@ss/w0rd;SSL Mode=Require;Channel Binding=Require`);
    expect(valueOf('dotnet_direct_connection_string', c)).toBe(`Host=${DIRECT_HOST};Port=5432;Database=neondb;Username=neondb_owner;Password=npg_p@ss/w0rd;SSL Mode=Require;Channel Binding=Require`);
  });

  it.each(HOSTILE)('give back host, port, database, role and password to .NET and to tedious: %j', (hostile) => {
    const c = details({ password: hostile, database: `db ${hostile}`, role: `role ${hostile}` });
    for (const [source, host] of [
      ['dotnet_pooled_connection_string', POOLED_HOST],
      ['dotnet_direct_connection_string', DIRECT_HOST],
    ] as const) {
      const value = valueOf(source, c);
      expect(npgsqlSettings(value), source).toEqual({ Host: host, Port: 5432, Database: c.database, Username: c.role, Password: c.password, SslMode: 'Require', ChannelBinding: 'Require' });
      const tedious = parseTedious(value);
      expect([tedious.get('host'), tedious.get('port'), tedious.get('database'), tedious.get('username'), tedious.get('password')], source).toEqual([host, '5432', c.database, c.role, c.password]);
    }
  });

  it('quote as DbConnectionStringBuilder does: bare when harmless, `\'…\'` around a `"`, else `"…"` with `"` doubled', () => {
    expect(adoNetValue('npg_AbC123dEf')).toBe('npg_AbC123dEf');
    expect(adoNetValue('p@ss/w0rd#%&+?')).toBe('p@ss/w0rd#%&+?');
    expect(adoNetValue('say "hi"')).toBe(`'say "hi"'`);
    expect(adoNetValue("it's")).toBe(`"it's"`);
    expect(adoNetValue(`it's "hi"`)).toBe(`"it's ""hi"""`);
    expect(adoNetValue('a;b')).toBe('"a;b"');
    expect(adoNetValue('a=b')).toBe('"a=b"');
    expect(adoNetValue(' a')).toBe('" a"');
    expect(adoNetValue('a\tb')).toBe('"a\tb"');
  });

  it('quote beyond the builder where other readers differ: a leading `{`, and the empty value', () => {
    // Bare, .NET reads {braced} as it is, and tedious as `braced`.
    expect(parseTedious('Password={braced}').get('password')).toBe('braced');
    expect(parseAdoNet('Password={braced}').get('password')).toBe('{braced}');
    expect(adoNetValue('{braced}')).toBe('"{braced}"');
    // Bare, `Password=` is no password at all; quoted, it is the empty one.
    expect(parseAdoNet('Password=').get('password')).toBeNull();
    expect(adoNetValue('')).toBe('""');
    expect(parseAdoNet(`Password=${adoNetValue('')}`).get('password')).toBe('');
  });

  it('refuse a NUL, which no .NET connection string can carry, without showing the value', () => {
    expect(() => adoNetValue('a\0b')).toThrow('cannot carry a NUL');
    expect(() => valueOf('dotnet_pooled_connection_string', details({ password: 'secret\0pw' }))).toThrow(/^(?!.*secret).*NUL/);
  });

  it('carry the pooled URL into the pooled value and the direct URL into the direct one', () => {
    const c = details({ password: 'pw', directQuery: 'sslmode=verify-full', pooledQuery: 'sslmode=require&channel_binding=require' });
    expect(npgsqlSettings(npgsqlConnectionString(c, false))).toEqual({ Host: DIRECT_HOST, Port: 5432, Database: 'neondb', Username: 'neondb_owner', Password: 'pw', SslMode: 'VerifyFull' });
    expect(npgsqlSettings(npgsqlConnectionString(c, true))).toMatchObject({ Host: POOLED_HOST, SslMode: 'Require', ChannelBinding: 'Require' });
  });
});

describe('random values from a hostile alphabet', () => {
  // A fixed seed: the same 500 values on every run.
  let seed = 19;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const alphabet = [...`;='"&%+/?#{} \t\n,:@[]!*()$~\\aZ9\u00a0\u2028é日`, '🐘'];
  const values = Array.from({ length: 500 }, () => Array.from({ length: 1 + random(12) }, () => alphabet[random(alphabet.length)]).join(''));

  it('come back whole from pgJDBC, .NET and tedious', () => {
    for (const value of values) {
      const c = details({ password: value, database: value, role: value });
      expect(Object.fromEntries(parsePgJdbcUrl(jdbcUrl(c, true))!), value).toMatchObject({ PGHOST: POOLED_HOST, PGPORT: '5432', PGDBNAME: value, user: value, password: value });
      const cs = npgsqlConnectionString(c, true);
      expect(npgsqlSettings(cs), value).toMatchObject({ Host: POOLED_HOST, Port: 5432, Database: value, Username: value, Password: value });
      const tedious = parseTedious(cs);
      expect([tedious.get('database'), tedious.get('username'), tedious.get('password')], value).toEqual([value, value, value]);
    }
  });
});

describe('the parsers above follow their drivers', () => {
  it('pgJDBC: refuses a second `/` and a bad escape, and lets host and port parameters override the address', () => {
    expect(parsePgJdbcUrl('jdbc:postgresql://h:5432/a/b?user=u')).toBeNull();
    expect(parsePgJdbcUrl('jdbc:postgresql://h:5432/db?password=%zz')).toBeNull();
    expect(Object.fromEntries(parsePgJdbcUrl('jdbc:postgresql://h/d%2Fb?host=127.0.0.1&port=6543&password=a+b')!)).toEqual({ PGHOST: '127.0.0.1', PGPORT: '6543', PGDBNAME: 'd/b', password: 'a b' });
  });

  it('.NET: refuses an unquoted value that ends in a quote and an unbalanced quote; reads `==` in a key as `=`', () => {
    expect(() => parseAdoNet('Password=abc"')).toThrow('does not conform');
    expect(() => parseAdoNet('Password="abc')).toThrow('does not conform');
    expect(() => parseAdoNet('Password="abc"x')).toThrow('does not conform');
    expect([...parseAdoNet(' a==b = " x "" y " ; c=d e ;;')]).toEqual([
      ['a=b', ' x " y '],
      ['c', 'd e'],
    ]);
    expect(() => npgsqlSettings('Host=h;Trust Me=yes')).toThrow('Keyword not supported');
  });
});

describe('TLS settings from the URL', () => {
  const withQuery = (query: string) => details({ password: 'pw', directQuery: query, pooledQuery: query });
  const jdbcProps = (query: string) => Object.fromEntries(parsePgJdbcUrl(jdbcUrl(withQuery(query), true))!);
  const npgsql = (query: string) => npgsqlSettings(npgsqlConnectionString(withQuery(query), true));

  it.each([
    ['disable', 'Disable'],
    ['allow', 'Allow'],
    ['prefer', 'Prefer'],
    ['require', 'Require'],
    ['verify-ca', 'VerifyCA'],
    ['verify-full', 'VerifyFull'],
  ])('sslmode=%s is pgJDBC sslmode=%s and Npgsql SSL Mode=%s', (libpq, npgsqlName) => {
    expect(jdbcProps(`sslmode=${libpq}`).sslmode).toBe(libpq);
    expect(npgsql(`sslmode=${libpq}`).SslMode).toBe(npgsqlName);
  });

  it.each([
    ['disable', 'Disable'],
    ['prefer', 'Prefer'],
    ['require', 'Require'],
  ])('channel_binding=%s is pgJDBC channelBinding=%s and Npgsql Channel Binding=%s', (libpq, npgsqlName) => {
    expect(jdbcProps(`sslmode=require&channel_binding=${libpq}`).channelBinding).toBe(libpq);
    expect(npgsql(`sslmode=require&channel_binding=${libpq}`).ChannelBinding).toBe(npgsqlName);
  });

  it('no sslmode, or one libpq does not know, is require (Neon takes TLS only); no channel_binding leaves the driver default', () => {
    for (const query of ['', 'sslmode=bogus', 'connect_timeout=10']) {
      expect(jdbcProps(query)).toMatchObject({ sslmode: 'require' });
      expect(jdbcProps(query)).not.toHaveProperty('channelBinding');
      expect(npgsql(query)).toMatchObject({ SslMode: 'Require' });
      expect(npgsql(query)).not.toHaveProperty('ChannelBinding');
    }
  });

  it('a repeated parameter counts by its last value, as in libpq', () => {
    expect(jdbcProps('sslmode=disable&sslmode=verify-full').sslmode).toBe('verify-full');
    expect(npgsql('sslmode=disable&sslmode=verify-full').SslMode).toBe('VerifyFull');
  });

  it("the sandbox's URL: its sslmode is carried, its host and port routing is not (the value names the endpoint and Neon's port)", () => {
    const host = 'ep-x-pooler.stand-in.neon.test';
    const c: ConnectionDetails = {
      ...details({ password: 'npg_x' }),
      pooledHost: host,
      pooledUrl: `postgresql://neondb_owner:npg_x@${host}/neondb?sslmode=disable&host=127.0.0.1&port=54321`,
    };
    expect(valueOf('jdbc_pooled_url', c)).toBe(`jdbc:postgresql://${host}:5432/neondb?user=neondb_owner&password=npg_x&sslmode=disable`);
    expect(Object.fromEntries(parsePgJdbcUrl(valueOf('jdbc_pooled_url', c))!)).toMatchObject({ PGHOST: host, PGPORT: '5432' });
    expect(valueOf('dotnet_pooled_connection_string', c)).toBe(`Host=${host};Port=5432;Database=neondb;Username=neondb_owner;Password=npg_x;SSL Mode=Disable`);
  });
});
