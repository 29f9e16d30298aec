// A new death sent twice — two identical posts at once (a double click), or sent again after an error
// page although the first had been saved — is stored once, and each answer is that save's result, not
// a server error or "reference already used". Another death under the same reference is still refused.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as cheerio from 'cheerio';
import {
  completeRecordSections,
  createOrganisation,
  createTestApp,
  csrfFrom,
  type Agent,
  type TestApp,
  signedInAs,
} from '../helpers/app.js';
import type { Organisation } from '../../src/db/types.js';

let t: TestApp;
let org: Organisation;
let agent: Agent;
const PERIOD = '2026-03';
const NEW = `/returns/${PERIOD}/records/new`;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-02T10:00:00Z' });
  org = await createOrganisation(t, { name: 'Resend Treatment', code: 'RSD', active_from: '2026-01' });
  agent = await signedInAs(t, 'partner', org.id);
});
afterAll(() => t.close());

const stored = (ref: string) =>
  t.db.selectFrom('records').select('id').where('partner_record_ref', '=', ref).execute();

async function post(form: Record<string, string | string[]>) {
  const page = await agent.get(NEW);
  return agent
    .post(NEW)
    .type('form')
    .send({ ...form, _csrf: csrfFrom(page.text) });
}

describe('a new death sent twice', () => {
  it('when two identical saves arrive at once then one record is stored and both answers lead to it', async () => {
    const form = completeRecordSections('TWICE-1').death!;
    const page = await agent.get(NEW);
    const send = () =>
      agent
        .post(NEW)
        .type('form')
        .send({ ...form, _csrf: csrfFrom(page.text) });
    const answers = await Promise.all([send(), send(), send()]);
    expect(answers.map((a) => a.status)).toEqual([302, 302, 302]);
    const rows = await stored('TWICE-1');
    expect(rows).toHaveLength(1);
    for (const a of answers) expect(a.headers.location).toContain(`/records/${rows[0]!.id}`);
  });

  it('when a saved death is sent again then the answer is its result, with nothing stored twice', async () => {
    const form = completeRecordSections('AGAIN-1').death!;
    const first = await post(form);
    const again = await post(form);
    expect(again.status).toBe(302);
    expect(again.headers.location).toBe(first.headers.location);
    expect(await stored('AGAIN-1')).toHaveLength(1);
  });

  it('when another death uses a reference already used then it is refused by the field', async () => {
    const other = { ...completeRecordSections('AGAIN-1').death!, age_at_death: '52' };
    const refused = await post(other);
    expect(refused.status).toBe(400);
    expect(cheerio.load(refused.text)('#partner_record_ref-error').text()).toContain(
      'You have already used reference AGAIN-1',
    );
    expect(await stored('AGAIN-1')).toHaveLength(1);
  });

  it('when a submitted return is submitted again then the answer is its confirmation, not an error', async () => {
    const check = await agent.get(`/returns/${PERIOD}/check`);
    const send = () =>
      agent
        .post(`/returns/${PERIOD}/submit`)
        .type('form')
        .send({ declaration: 'yes', _csrf: csrfFrom(check.text) });
    const first = await send();
    expect(first.headers.location).toBe(`/returns/${PERIOD}/confirmation`);
    const again = await send();
    expect(again.status).toBe(302);
    expect(again.headers.location).toBe(`/returns/${PERIOD}/confirmation`);
    const versions = await t.db
      .selectFrom('return_submissions')
      .innerJoin('returns', 'returns.id', 'return_submissions.return_id')
      .select('return_submissions.version')
      .where('returns.organisation_id', '=', org.id)
      .execute();
    expect(versions).toHaveLength(1);
  });
});
