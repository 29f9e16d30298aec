// Linkage identifiers are used to make match keys, then discarded: never in the database, the logs,
// the audit trail, the outbox or a page sent back to the browser.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import {
  addCompleteRecord,
  completeRecordSections,
  createOrganisation,
  createTestApp,
  type Agent,
  type TestApp,
  signedInAs,
} from '../helpers/app.js';
import { demographicMatchKey, nhsMatchKey } from '../../src/domain/linkage.js';
import { within } from '../helpers/within.js';

let t: TestApp;
let agent: Agent;
let recordId: number;
let logs = '';

const NHS = '943 476 5919';
const SURNAME = 'Zebedee-Quartermaine';
const DOB = { 'date_of_birth-day': '5', 'date_of_birth-month': '6', 'date_of_birth-year': '1984' };

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs += chunk.toString();
      done();
    },
  });
  t = await createTestApp({ now: '2026-04-02T10:00:00Z', logger: pino({ level: 'trace' }, sink) });
  const org = await createOrganisation(t);
  agent = await signedInAs(t, 'partner', org.id);
  recordId = await addCompleteRecord(agent, '2026-03', 'LINK-1');
});
afterAll(() => t.close());

async function everyStoredText(): Promise<string> {
  const tables = [
    'records',
    'record_versions',
    'audit_log',
    'outbox',
    'sessions',
    'returns',
    'return_submissions',
    'settings',
    'users',
  ];
  let text = '';
  for (const table of tables) {
    const rows = await sql<{ row: unknown }>`select to_jsonb(t) as row from ${sql.table(table)} t`.execute(
      t.db,
    );
    text += JSON.stringify(rows.rows);
  }
  return text;
}

describe('linkage identifiers', () => {
  it('when identifiers are invalid then the errors show but the typed identifiers are not sent back', async () => {
    const response = await agent.submit(`/returns/2026-03/records/${recordId}/linkage`, {
      nhs_number: '943 476 5918',
      surname: SURNAME,
      first_initial: 'J',
      ...DOB,
    });
    expect(response.status).toBe(400);
    expect(within(response, '.govuk-error-summary')).toContain('Enter a valid NHS number – check each digit');
    expect(response.text).not.toContain('943 476 5918');
    expect(response.text).not.toContain(SURNAME);
    expect(response.text).not.toContain('value="1984"');
  });

  it('when valid identifiers are saved then only their HMAC keys are stored, and age is derived if missing', async () => {
    const unknownAge = await agent.submit(`/returns/2026-03/records/${recordId}/death`, {
      ...completeRecordSections('LINK-1').death!,
      age_at_death: '',
      age_unknown: 'true',
    });
    expect(unknownAge.status).toBe(302);
    const response = await agent.submit(`/returns/2026-03/records/${recordId}/linkage`, {
      nhs_number: NHS,
      surname: SURNAME,
      first_initial: 'j',
      ...DOB,
    });
    expect(response.status).toBe(302);
    const row = await t.db
      .selectFrom('records')
      .selectAll()
      .where('id', '=', recordId)
      .executeTakeFirstOrThrow();
    expect(row.match_key_nhs).toBe(nhsMatchKey(t.config.linkageSecret, '9434765919'));
    expect(row.match_key_demo).toBe(
      demographicMatchKey(t.config.linkageSecret, {
        surname: SURNAME,
        firstInitial: 'J',
        dateOfBirth: '1984-06-05',
        sex: 'male',
      }),
    );
    expect(row.age_at_death).toBe(41); // 5 June 1984 to 14 March 2026
    const page = await agent.get(`/returns/2026-03/records/${recordId}`);
    expect(within(page, '.govuk-notification-banner')).toContain('Age at death worked out as 41');
    expect(within(page, 'main')).toContain('NHS number key, Name and date of birth key');
  });

  it('when everything stored is searched then no identifier appears anywhere, nor in the logs', async () => {
    await agent.submit('/returns/2026-03/submit', { declaration: 'yes' }, '/returns/2026-03/check');
    const stored = await everyStoredText();
    for (const secret of [
      '9434765919',
      '943 476 5919',
      SURNAME,
      SURNAME.toUpperCase(),
      'ZEBEDEEQUARTERMAINE',
      '1984-06-05',
      '05/06/1984',
    ])
      expect([secret, stored.includes(secret)]).toEqual([secret, false]);
    expect(stored).toContain('LINK-1'); // the search does see the records
    for (const secret of [
      '9434765919',
      '943+476+5919',
      'Zebedee',
      '1984-06-05',
      'date_of_birth',
      'nhs_number',
    ])
      expect([secret, logs.includes(secret)]).toEqual([secret, false]);
    expect(logs).toContain('/linkage'); // the requests were logged, without their bodies
  });
});
