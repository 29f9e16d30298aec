import { describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.js';

describe('configuration', () => {
  it('when a variable is invalid then the error names it', () => {
    expect(() =>
      loadConfig({ PORT: 'eighty', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'drd-cfg-')) }),
    ).toThrow(/PORT/);
    expect(() =>
      loadConfig({ SMTP_URL: 'not a url', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'drd-cfg-')) }),
    ).toThrow(/SMTP_URL/);
  });

  it('when running in production without a linkage secret then it refuses to start', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32) })).toThrow(
      /LINKAGE_SECRET: required in production/,
    );
  });

  it('when running embedded then the secrets are generated once into the data directory and kept', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'drd-cfg-'));
    const first = loadConfig({ DATA_DIR: dir });
    expect(first.linkageSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(path.join(dir, 'linkage-secret'), 'utf8').trim()).toBe(first.linkageSecret);
    expect(loadConfig({ DATA_DIR: dir }).linkageSecret).toBe(first.linkageSecret);
    expect(existsSync(path.join(dir, 'session-secret'))).toBe(true);
  });
});
