// Saving deaths into a return shares the return's lock; signing it takes it whole. So several saves of
// one return (the form, an upload, a partner's system) go on side by side, while a submission waits
// for the saves under way and they for it. Checked by order, with a second connection holding the lock
// as a save in progress would: nothing here depends on how fast the machine is.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import {
  completeRecordSections,
  createOrganisation,
  createTestApp,
  createUser,
  type TestApp,
} from '../helpers/app.js';
import type { Organisation, User } from '../../src/db/types.js';

let t: TestApp;
let org: Organisation;
let lead: User;
const PERIOD = '2026-03';

/** A complete death as the API sends it: every answer at once, dates whole. */
const death = (ref: string) => {
  const values: Record<string, unknown> = {};
  for (const section of Object.values(completeRecordSections(ref))) Object.assign(values, section);
  for (const date of ['date_of_death', 'date_partner_aware']) {
    const [day, month, year] = ['day', 'month', 'year'].map((part) => String(values[`${date}-${part}`]));
    values[date] = `${year}-${month!.padStart(2, '0')}-${day!.padStart(2, '0')}`;
    for (const part of ['day', 'month', 'year']) delete values[`${date}-${part}`];
  }
  return values;
};

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-02T10:00:00Z' });
  org = await createOrganisation(t, { name: 'Lock Treatment', code: 'LCK', active_from: '2026-01' });
  lead = await createUser(t, 'partner', org.id);
  const first = await t.services.records.saveRecord(org, PERIOD, undefined, death('LCK-1'), {
    userId: lead.id,
    label: lead.email,
  });
  if (!first.ok) throw new Error(JSON.stringify(first));
});
afterAll(() => t.close());

/** A second connection holding the return row in `mode` until `release` is called. */
async function holdReturn(mode: 'share' | 'update') {
  const conn = new pg.Client({ connectionString: t.url });
  await conn.connect();
  await conn.query('begin');
  await conn.query(
    `select id from returns where organisation_id = $1 and period = $2 for ${mode === 'share' ? 'share' : 'update'}`,
    [org.id, PERIOD],
  );
  return async () => {
    await conn.query('commit');
    await conn.end();
  };
}

const settled = <T>(promise: Promise<T>) => {
  const state = { done: false, value: undefined as T | undefined };
  const tracked = promise.then((value) => {
    state.done = true;
    state.value = value;
    return value;
  });
  return { state, tracked };
};

describe('the return lock', () => {
  it('when another save of the return is under way then a save goes ahead, and a submission waits for it', async () => {
    const release = await holdReturn('share'); // a save in progress
    try {
      const save = await t.services.records.saveRecord(org, PERIOD, undefined, death('LCK-2'), {
        userId: lead.id,
        label: lead.email,
      });
      expect(save.ok).toBe(true); // it finished while the other save still held the return
      const submit = settled(t.services.returns.submit(org, PERIOD, lead));
      // The save above went through the same pool and database: had the submission not waited for the
      // held lock, it would have finished by the time a further query is answered.
      await t.db.selectFrom('returns').select('id').where('organisation_id', '=', org.id).execute();
      await new Promise((resolve) => setImmediate(resolve));
      expect(submit.state.done).toBe(false);
      await release();
      expect((await submit.tracked).ok).toBe(true);
    } catch (error) {
      await release().catch(() => {});
      throw error;
    }
  });

  it('when the return is being signed then a save waits, and then finds it submitted', async () => {
    const release = await holdReturn('update'); // a signing in progress
    const save = settled(
      t.services.records.saveRecord(org, PERIOD, undefined, death('LCK-3'), {
        userId: lead.id,
        label: lead.email,
      }),
    );
    await t.db.selectFrom('returns').select('id').where('organisation_id', '=', org.id).execute();
    await new Promise((resolve) => setImmediate(resolve));
    expect(save.state.done).toBe(false);
    await release();
    const result = await save.tracked;
    // The return was submitted by the first test: the save, let through only now, is refused.
    expect(result.ok).toBe(false);
  });
});
