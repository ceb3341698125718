import { describe, expect, it } from 'vitest';
import { prismaUrl, resolveVariables, VARIABLE_SOURCES, type ConnectionDetails } from '../../src/variables.js';

const connection: ConnectionDetails = {
  branchId: 'br-quiet-sun-123',
  branchName: 'preview/pr-7',
  database: 'neondb',
  role: 'neondb_owner',
  password: 'npg_p@ss/w0rd',
  directUrl: 'postgresql://neondb_owner:npg_p%40ss%2Fw0rd@ep-a-1.eu.aws.neon.tech/neondb?sslmode=require',
  pooledUrl: 'postgresql://neondb_owner:npg_p%40ss%2Fw0rd@ep-a-1-pooler.eu.aws.neon.tech/neondb?sslmode=require',
  directHost: 'ep-a-1.eu.aws.neon.tech',
  pooledHost: 'ep-a-1-pooler.eu.aws.neon.tech',
};

describe('variables', () => {
  it('maps every source and marks those that carry the password secret', () => {
    const values = resolveVariables(
      VARIABLE_SOURCES.map((source) => ({ name: source.toUpperCase(), source })),
      connection,
    );
    expect(values.map((v) => [v.name, v.secret])).toEqual([
      ['POOLED_URL', true],
      ['DIRECT_URL', true],
      ['POOLED_HOST', false],
      ['DIRECT_HOST', false],
      ['ROLE', false],
      ['DATABASE', false],
      ['PASSWORD', true],
      ['BRANCH_ID', false],
      ['BRANCH_NAME', false],
      ['PRISMA_URL', true],
      ['PORT', false],
      ['JDBC_DIRECT_URL', true],
      ['JDBC_POOLED_URL', true],
      ['DOTNET_DIRECT_CONNECTION_STRING', true],
      ['DOTNET_POOLED_CONNECTION_STRING', true],
    ]);
    // Every secret value holds the password in its format's form, and no other value holds it.
    const forms = [connection.password, encodeURIComponent(connection.password)];
    for (const v of values)
      expect(
        forms.some((form) => v.value.includes(form)),
        v.name,
      ).toBe(v.secret);
    expect(values.find((v) => v.name === 'PASSWORD')?.value).toBe('npg_p@ss/w0rd');
    expect(values.find((v) => v.name === 'DIRECT_HOST')?.value).toBe('ep-a-1.eu.aws.neon.tech');
    expect(values.find((v) => v.name === 'PORT')?.value).toBe('5432');
  });

  it('adds the PgBouncer parameters Prisma needs to the pooled URL, keeping the rest', () => {
    const url = new URL(prismaUrl(connection.pooledUrl));
    expect(url.hostname).toBe(connection.pooledHost);
    expect(decodeURIComponent(url.password)).toBe(connection.password);
    expect(Object.fromEntries(url.searchParams)).toEqual({ sslmode: 'require', pgbouncer: 'true', connect_timeout: '15' });
  });
});
