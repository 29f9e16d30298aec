// Free text cannot carry identifiers: every free-text field, on the form and in an upload, refuses NHS
// numbers however written, dates of birth, postcodes and names, and never shows the refused value again.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { stringify } from 'csv-stringify/sync';
import {
  addCompleteRecord,
  completeRecordSections,
  createOrganisation,
  createTestApp,
  type Agent,
  type TestApp,
  signedInAs,
} from '../helpers/app.js';
import { uploadHeader, uploadRow } from '../helpers/upload-rows.js';
import { within } from '../helpers/within.js';

let t: TestApp;
let partner: Agent;
let analyst: Agent;
let recordId: number;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-20T10:00:00Z' });
  const org = await createOrganisation(t, { name: 'Free Text Org', code: 'FTX' });
  partner = await signedInAs(t, 'partner', org.id);
  analyst = await signedInAs(t, 'ccsu_analyst');
  recordId = await addCompleteRecord(partner, '2026-03', 'FTX-1');
  await partner.submit('/returns/2026-03/submit', { declaration: 'yes' }, '/returns/2026-03/check');
});
afterAll(() => t.close());

describe('free text on the forms', () => {
  it('when an analyst’s question holds an NHS number with hyphens then it is refused and not shown again', async () => {
    const response = await analyst.submit(
      `/ccsu/records/${recordId}/queries`,
      { field: 'age_at_death', question: 'Is this 943-476-5919?' },
      `/ccsu/records/${recordId}`,
    );
    expect(response.status).toBe(400);
    expect(within(response, '.govuk-error-summary')).toContain(
      'Your question must not include an NHS number',
    );
    expect(response.text).not.toContain('943-476-5919');
    expect(await t.db.selectFrom('queries').select('id').execute()).toHaveLength(0);
  });

  it('when an amendment reason gives a date of birth then it is refused', async () => {
    const response = await partner.submit('/returns/2026-03/amend', {
      reason: 'other',
      reason_text: 'born 14/07/1961',
    });
    expect(response.status).toBe(400);
    expect(within(response, '.govuk-error-summary')).toContain(
      'The reason must not say when someone was born',
    );
    expect(response.text).not.toContain('14/07/1961');
  });

  it('when a reference is an NHS number with separators then the record page refuses it and shows it nowhere', async () => {
    const response = await partner.submit('/returns/2026-04/records/new', {
      ...completeRecordSections('943-476-5919').death!,
      'date_of_death-month': '4',
      'date_partner_aware-month': '4',
      'date_partner_aware-day': '18',
    });
    expect(response.status).toBe(400);
    expect(within(response, '.govuk-error-summary')).toContain(
      'Your reference for this death must not include an NHS number',
    );
    expect(response.text).not.toContain('943-476-5919');
  });
});

describe('free text in an upload', () => {
  it('when the other-substance name holds an NHS number with spaces then the row is refused and the number kept nowhere', async () => {
    const header = [...uploadHeader, 'substances_other'];
    const row = uploadRow('UP-7', {
      date_of_death: '2026-04-10',
      date_partner_aware: '2026-04-12',
      substances: 'other',
      substances_other: '943 476 5919',
    });
    const upload = await partner.upload(
      '/returns/2026-04/upload',
      Buffer.from(stringify([header, row])),
      'r.csv',
    );
    expect(upload.status).toBe(302);
    const page = await partner.get(upload.headers.location!);
    expect(within(page, '.govuk-error-summary')).toContain('must not include an NHS number');
    expect(page.text).not.toContain('943 476 5919');
    const stored = await t.db.selectFrom('upload_errors').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain('943 476 5919');
  });
});
