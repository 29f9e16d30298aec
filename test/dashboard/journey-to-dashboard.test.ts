// The dashboard follows the partner's own pages: a submitted record appears, an amendment changes the
// figures, and a withdrawn record leaves them — through the summary row kept with each case.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  addCompleteRecord,
  completeRecordSections,
  createOrganisation,
  createTestApp,
  type Agent,
  type TestApp,
  signedInAs,
} from '../helpers/app.js';
import { tableOf } from './fixture.js';

let t: TestApp;
let partner: Agent;
let analyst: Agent;
let recordId: number;

const classifications = async () =>
  tableOf(
    (await analyst.get('/dashboard/classification?from=2026-01&to=2026-03')).text,
    'death_classification-table',
  );
const submit = () =>
  partner.submit('/returns/2026-03/submit', { declaration: 'yes' }, '/returns/2026-03/check');

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-02T10:00:00Z' });
  const org = await createOrganisation(t, { active_from: '2026-01' });
  partner = await signedInAs(t, 'partner', org.id);
  analyst = await signedInAs(t, 'ccsu_analyst');
});
afterAll(() => t.close());

describe('from the partner’s pages to the dashboard', () => {
  it('when a record is only a draft then it is not counted; when submitted it is', async () => {
    recordId = await addCompleteRecord(partner, '2026-03', 'HCT-001');
    expect((await classifications())['Suspected drug-related']).toEqual(['0']);
    expect((await submit()).status).toBe(302);
    expect((await classifications())['Suspected drug-related']).toEqual(['1']);
  });

  it('when the return is amended and resubmitted then the case is described by the new values', async () => {
    expect((await partner.submit('/returns/2026-03/amend', { reason: 'toxicology_received' })).status).toBe(
      302,
    );
    const saved = await partner.submit(`/returns/2026-03/records/${recordId}/death`, {
      ...completeRecordSections('HCT-001').death,
      death_classification: 'drug_poisoning',
      evidence_stage: 'tox_received',
    });
    expect(saved.status).toBe(302);
    expect((await submit()).status).toBe(302);
    const after = await classifications();
    expect(after['Suspected drug-related']).toEqual(['0']);
    expect(after['Drug poisoning (ONS definition)']).toEqual(['1']);
  });

  it('when the record is withdrawn in an amendment and the month made nil then it leaves the figures', async () => {
    expect((await partner.submit('/returns/2026-03/amend', { reason: 'correction' })).status).toBe(302);
    const withdrawn = await partner.submit(`/returns/2026-03/records/${recordId}/withdraw`, {
      reason: 'entered_in_error',
    });
    expect(withdrawn.status).toBe(302);
    // With its only death withdrawn, the amended return is resubmitted as a nil return.
    expect((await submit()).status).toBe(409);
    expect((await partner.submit('/returns/2026-03/nil', { declaration: 'yes' })).status).toBe(302);
    expect((await classifications()).Total).toEqual(['0']);
  });
});
