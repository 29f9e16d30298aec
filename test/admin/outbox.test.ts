// The raw email view an administrator opens from the outbox: a page of its own, with a title.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type Agent, type TestApp, signedInAs } from '../helpers/app.js';
import { enqueue } from '../../src/mail/outbox.js';

let t: TestApp;
let admin: Agent;
beforeAll(async () => {
  t = await createTestApp();
  admin = await signedInAs(t, 'ccsu_admin');
});
afterAll(() => t.close());

describe('the raw email view', () => {
  it('when an administrator opens an email as HTML then the page is titled with its subject, escaped', async () => {
    await enqueue(
      t.db,
      {
        idempotencyKey: 'raw-view-1',
        to: ['someone@example.test'],
        subject: 'Return received: March 2026 <DRD-2026-03-X-1>',
        text: 'Received',
        html: '<!DOCTYPE html>\n<html lang="en"><body><p>Received</p></body></html>',
      },
      new Date('2026-04-02T10:00:00Z'),
    );
    const row = await t.db
      .selectFrom('outbox')
      .select('id')
      .where('idempotency_key', '=', 'raw-view-1')
      .executeTakeFirstOrThrow();
    const page = await admin.get(`/admin/outbox/${row.id}/html`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(
      '<html lang="en"><head><title>Return received: March 2026 &#60;DRD-2026-03-X-1&#62;</title></head><body>',
    );
  });
});
