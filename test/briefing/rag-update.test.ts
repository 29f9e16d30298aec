// The drug-related deaths section of CCSU's monthly RAG update (issue #24 §5): the paragraph and the
// table by community safety partnership area say the same numbers, through disclosure control, as HTML
// to copy and as CSV; only CCSU can open it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as cheerio from 'cheerio';
import { parse } from 'csv-parse/sync';
import { addCases } from '../helpers/case-facts.js';
import { createOrganisation, createTestApp, type Agent, type TestApp, signedInAs } from '../helpers/app.js';

let t: TestApp;
let analyst: Agent;
let partner: Agent;

/** Cases first reported in `month`, who died on its first day. */
const cases = (area: string, month: string, n: number) => addCases(t.db, { area, date: `${month}-01` }, n);

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-20T10:00:00Z' });
  const org = await createOrganisation(t, { name: 'Treatment', code: 'TRE' });
  analyst = await signedInAs(t, 'ccsu_analyst');
  partner = await signedInAs(t, 'partner', org.id);
  // 2026: Watford 12 in March, Dacorum 9 in January and 2 in March, no fixed abode 1 in March.
  await cases('watford', '2026-03', 12);
  await cases('dacorum', '2026-01', 9);
  await cases('dacorum', '2026-03', 2);
  await cases('no_fixed_abode', '2026-03', 1);
  // 2025, the same months: Watford 20, Stevenage 10; April 2025 is after the months compared.
  await cases('watford', '2025-02', 20);
  await cases('stevenage', '2025-03', 10);
  await cases('stevenage', '2025-04', 30);
});
afterAll(() => t.close());

describe('the RAG update section', () => {
  it('when CCSU opens March 2026 then the paragraph and the table agree, every count through disclosure control', async () => {
    const $ = cheerio.load((await analyst.get('/dashboard/rag-update?month=2026-03')).text);
    const cells = (area: string) =>
      $(`#rag-table tr[data-area="${area}"] td`)
        .map((_i, el) => $(el).text())
        .get();
    // The month: Watford 12 → 10, Dacorum 2 → *, no fixed abode 1 → *; total 15 → 15.
    expect(cells('watford')).toEqual(['10', '10', '20']);
    expect(cells('dacorum')[0]).toBe('*');
    expect(cells('no_fixed_abode')[0]).toBe('*');
    expect(cells('out_of_county')).toEqual(['0', '0', '0']);
    expect(cells('total')).toEqual(['15', '25', '30']);
    // Stevenage's 10 in March 2025 is in the comparison; its 30 in April 2025 is not.
    expect(cells('stevenage')).toEqual(['0', '0', '10']);
    const paragraph = $('#rag-paragraph').text();
    expect(paragraph).toContain('In March 2026, partners reported 15 deaths related to drugs or alcohol');
    expect(paragraph).toContain(
      'In January to March 2026 there were 25 deaths, down from 30 deaths in the same months of 2025.',
    );
    expect(paragraph).toContain('There are no open early warnings.');
    expect(paragraph).toContain('Figures are provisional');
    expect($('[data-copy="rag-section"]').text()).toBe('Copy the section');
  });

  it('when CCSU downloads the CSV then it holds the same table', async () => {
    const response = await analyst.get('/dashboard/rag-update.csv?month=2026-03');
    expect(response.status).toBe(200);
    const rows = parse(response.text, { bom: true }) as string[][];
    expect(rows[0]).toEqual([
      'Community safety partnership area',
      'March 2026',
      'January to March 2026',
      'January to March 2025',
    ]);
    expect(rows.find((r) => r[0] === 'Watford')).toEqual(['Watford', '10', '10', '20']);
    expect(rows.at(-1)).toEqual(['Total', '15', '25', '30']);
  });

  it('when a partner asks for it then they are refused', async () => {
    expect((await partner.get('/dashboard/rag-update')).status).toBe(403);
    expect((await partner.get('/dashboard/rag-update.csv')).status).toBe(403);
  });
});
