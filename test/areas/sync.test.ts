// The areas table follows the configured list at start-up, keeping stored codes.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { syncAreas } from '../../src/areas/sync.js';
import { areaRows } from '../../src/domain/reference.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-20T10:00:00Z' });
});
afterAll(() => t.close());

describe('syncing the areas table', () => {
  it('when the table differs from the configured list then names, GSS codes and order follow it and unused areas go', async () => {
    await t.db
      .updateTable('areas')
      .set({ name: 'Old name', gss_code: null })
      .where('code', '=', 'watford')
      .execute();
    await t.db
      .insertInto('areas')
      .values({ code: 'gone', name: 'Gone', gss_code: 'E09999999', ordinal: 99 })
      .execute();
    await syncAreas(t.db);
    const rows = await t.db
      .selectFrom('areas')
      .select(['code', 'name', 'gss_code'])
      .orderBy('ordinal')
      .execute();
    expect(rows.map((r) => [r.code, r.name, r.gss_code])).toEqual(areaRows.map((r) => [...r]));
  });
});
