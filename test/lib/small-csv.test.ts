// Files CCSU loads (populations, LDIS alerts, context data, the Coroners Audit) are read with the same
// limits as partners' uploads: a line of millions of commas, or millions of blank lines, just under the
// size limit, each end in one plain message — never a process out of memory — and load nothing.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as cheerio from 'cheerio';
import { createTestApp, csrfFrom, type Agent, type TestApp, signedInAs } from '../helpers/app.js';

let t: TestApp;
let analyst: Agent;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-20T10:00:00Z' });
  analyst = await signedInAs(t, 'ccsu_analyst');
});
afterAll(() => t.close());

const extract = {
  source: 'Test extract',
  'extracted_on-day': '1',
  'extracted_on-month': '4',
  'extracted_on-year': '2026',
};
const forms = [
  {
    page: '/ccsu/areas',
    action: '/ccsu/areas/populations',
    header: 'gss_code,year,population',
    maxMb: 1,
    fields: { source: 'Test' },
  },
  {
    page: '/ccsu/ldis',
    action: '/ccsu/ldis/upload',
    header: 'reference,title,issued_on,substances,areas,severity,link',
    maxMb: 1,
    fields: {},
  },
  {
    page: '/ccsu/context/ambulance',
    action: '/ccsu/context/ambulance',
    header: 'gss_code,month,count',
    maxMb: 10,
    fields: extract,
  },
  {
    page: '/ccsu/coroners',
    action: '/ccsu/coroners',
    header: 'inquest_ref,date_of_death,conclusion,drug_related,alcohol_related',
    maxMb: 5,
    fields: extract,
  },
];

async function send(form: (typeof forms)[number], file: Buffer) {
  const page = await analyst.get(form.page);
  let request = analyst.post(form.action).field('_csrf', csrfFrom(page.text));
  for (const [name, value] of Object.entries(form.fields)) request = request.field(name, value);
  const response = await request.attach('file', file, 'file.csv');
  const $ = cheerio.load(response.text);
  return { status: response.status, problems: `${$('#file-error').text()} ${$('#file-problems').text()}` };
}

describe('hostile files CCSU loads', () => {
  it.each(forms.map((f) => [f.action, f] as const))(
    'when %s gets a line of millions of commas or millions of blank lines then each gets one plain message and the service goes on',
    async (_action, form) => {
      // Just under the form's own size limit.
      const justUnder = form.maxMb * 1024 * 1024 - 64 * 1024;
      const commas = Buffer.concat([Buffer.from(`${form.header}\n`), Buffer.alloc(justUnder, ',')]);
      const wide = await send(form, commas);
      expect(wide.status).toBe(400);
      expect(wide.problems).toContain('a row is far too long');

      const blank = Buffer.concat([Buffer.from(`${form.header}\n`), Buffer.alloc(justUnder, '\n')]);
      const tall = await send(form, blank);
      expect(tall.status).toBe(400);
      expect(tall.problems).toContain('rows (blank rows count too)');

      expect((await analyst.get('/ccsu')).status).toBe(200);
    },
  );

  it('when the loaded tables are read afterwards then nothing from the hostile files is there', async () => {
    for (const table of ['area_populations', 'ldis_alerts', 'context_loads', 'audit_loads'] as const)
      expect([
        table,
        (
          await t.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ]).toEqual([table, 0]);
  });
});
