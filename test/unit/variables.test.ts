import { describe, expect, it } from 'vitest';
import { prismaUrl, resolveVariables, type ConnectionDetails } from '../../src/variables.js';

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
    const sources = ['pooled_url', 'direct_url', 'pooled_host', 'direct_host', 'role', 'database', 'password', 'branch_id', 'branch_name', 'prisma_url'] as const;
    const values = resolveVariables(sources.map((source) => ({ name: source.toUpperCase(), source })), connection);
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
    ]);
    expect(values.find((v) => v.name === 'PASSWORD')?.value).toBe('npg_p@ss/w0rd');
    expect(values.find((v) => v.name === 'DIRECT_HOST')?.value).toBe('ep-a-1.eu.aws.neon.tech');
  });

  it('adds the PgBouncer parameters Prisma needs to the pooled URL, keeping the rest', () => {
    const url = new URL(prismaUrl(connection.pooledUrl));
    expect(url.hostname).toBe(connection.pooledHost);
    expect(decodeURIComponent(url.password)).toBe(connection.password);
    expect(Object.fromEntries(url.searchParams)).toEqual({ sslmode: 'require', pgbouncer: 'true', connect_timeout: '15' });
  });
});
