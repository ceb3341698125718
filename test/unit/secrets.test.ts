import { describe, expect, it } from 'vitest';
import { setSecret } from '../setup-actions-core.js';

const { redact, registerConnectionUrl, registerSecret } = await import('../../src/secrets.js');

describe('secrets', () => {
  it('masks a secret in every form a platform may echo it in, and cuts each form out of text', () => {
    const password = 'pa"ss\\w/ord+x';
    registerSecret(password);
    const masked = setSecret.mock.calls.map(([value]) => value);
    expect(masked).toEqual(expect.arrayContaining([password, encodeURIComponent(password), 'pa\\"ss\\\\w/ord+x', 'pa\\"ss\\\\w\\/ord+x']));
    const echoed = `invalid value: {"value":${JSON.stringify(password)}} or ${encodeURIComponent(password)} or pa\\"ss\\\\w\\/ord+x`;
    expect(redact(echoed)).toBe('invalid value: {"value":"***"} or *** or ***');
  });

  it('registers a connection URL and the password inside it, decoded and as written', () => {
    registerConnectionUrl('postgresql://app:s3cr%2Bt-pw@ep-x.example/db?sslmode=require');
    expect(redact('url postgresql://app:s3cr%2Bt-pw@ep-x.example/db?sslmode=require and s3cr+t-pw')).toBe('url *** and ***');
  });
});
