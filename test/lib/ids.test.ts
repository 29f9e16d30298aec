// Ids in addresses: anything that cannot be a row id is "page not found" before the database is asked,
// and nothing a user typed into an address reaches the log.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createOrganisation, createTestApp, type Agent, type TestApp, signedInAs } from '../helpers/app.js';
import { within } from '../helpers/within.js';

let t: TestApp;
let analyst: Agent;
let partner: Agent;
const logged: string[] = [];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logged.push(chunk.toString());
      done();
    },
  });
  t = await createTestApp({ logger: pino({ level: 'info' }, sink) });
  const org = await createOrganisation(t, { name: 'Ids Org', code: 'IDS', active_from: '2026-01' });
  analyst = await signedInAs(t, 'ccsu_analyst');
  partner = await signedInAs(t, 'partner', org.id);
});
afterAll(() => t.close());

describe('ids in addresses', () => {
  it.each([
    ['analyst', '/ccsu/records/99999999999'],
    ['analyst', '/ccsu/records/12abc'],
    ['analyst', '/ccsu/cases/99999999999'],
    ['analyst', '/ccsu/compliance/organisations/99999999999'],
    ['partner', '/returns/queries/99999999999'],
    ['partner', '/returns/2026-03/records/99999999999'],
    ['partner', '/returns/2026-03/upload/99999999999'],
  ])('when the %s asks for %s then the page is not found', async (who, path) => {
    const response = await (who === 'analyst' ? analyst : partner).get(path);
    expect(response.status).toBe(404);
    expect(within(response, 'h1')).toContain('Page not found');
  });

  it('when a filter holds a number too large for an id then it is ignored and the page still shows', async () => {
    const response = await analyst.get('/ccsu/records?organisation=9434765919');
    expect(response.status).toBe(200);
  });

  it('when any of these were asked for then the log holds none of the values', () => {
    const log = logged.join('\n');
    expect(log).not.toContain('9434765919');
    expect(log).not.toContain('99999999999');
    expect(log).not.toContain('out of range');
  });
});
