import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { loadConfig, redactUrl } from '../../../server/config.js';
import { InputError } from '../../../common/errors.js';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(8080);
    expect(c.dataDir).toBe(path.resolve('data'));
    expect(c.databaseUrl).toBeUndefined();
    expect(c.logLevel).toBe('info');
  });
  it('reads every setting', () => {
    const c = loadConfig({ PORT: '9000', DATA_DIR: '/tmp/x', DATABASE_URL: 'postgres://a@h:5432/d', LOG_LEVEL: 'DEBUG' });
    expect(c).toMatchObject({ port: 9000, dataDir: '/tmp/x', databaseUrl: 'postgres://a@h:5432/d', logLevel: 'debug' });
  });
  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ DATABASE_URL: 'mysql://h/d' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
  ])('rejects %o naming %s', (env, name) => {
    try {
      loadConfig(env);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).where).toBe(name);
      expect((err as Error).message).toContain(name);
    }
  });
  it('redacts passwords', () => {
    expect(redactUrl('postgres://u:secret@h/d')).toBe('postgres://u:***@h/d');
  });
});
