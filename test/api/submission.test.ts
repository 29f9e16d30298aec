// The submission API (issue #26): its OpenAPI document validates and names every route; answers match
// the document's schemas; writes are safe to retry; a key acts for its own organisation only; the
// form's rules and messages apply, with nothing an identifier screen refuses echoed back.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import request from 'supertest';
import { createHash } from 'node:crypto';
import type { Organisation, User } from '../../src/db/types.js';
import { routeTable } from '../../src/lib/route-table.js';
import { openApiDocument, operations } from '../../src/api/openapi.js';
import { forgetOldRequests } from '../../src/api/idempotency.js';
import { createOrganisation, createTestApp, createUser, type TestApp } from '../helpers/app.js';
import { within } from '../helpers/within.js';

let t: TestApp;
let org: Organisation;
let other: Organisation;
let lead: User;
let key: string;
const other_org = () => other.id;
const doc = openApiDocument('http://drd.test');

// Ajv compiles the document's own component schemas, so a response is checked against what a client
// generated from the document would expect.
const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const DOC = 'https://drd.test/openapi.json';
ajv.addSchema({ $id: DOC, components: doc.components });

function expectMatches(schemaId: string, body: unknown) {
  const validate = ajv.getSchema(`${DOC}#/components/schemas/${schemaId}`)!;
  const ok = validate(body);
  expect([schemaId, ok ? [] : validate.errors]).toEqual([schemaId, []]);
}

const api = (path: string, bearer = key) =>
  ({
    get: () => request(t.app).get(`/api/v1/submission${path}`).set('Authorization', `Bearer ${bearer}`),
    post: (body: object, idempotencyKey?: string) => {
      const r = request(t.app).post(`/api/v1/submission${path}`).set('Authorization', `Bearer ${bearer}`);
      if (idempotencyKey) r.set('Idempotency-Key', idempotencyKey);
      return r.send(body);
    },
    put: (body: object, idempotencyKey?: string) => {
      const r = request(t.app).put(`/api/v1/submission${path}`).set('Authorization', `Bearer ${bearer}`);
      if (idempotencyKey) r.set('Idempotency-Key', idempotencyKey);
      return r.send(body);
    },
  }) as const;

/** A complete death as a partner's system sends it: codes, ISO dates. */
function death(ref: string, overrides: Record<string, unknown> = {}) {
  return {
    partner_record_ref: ref,
    date_of_death: '2026-03-14',
    date_of_death_basis: 'exact',
    date_partner_aware: '2026-03-16',
    place_of_death_type: 'home',
    death_classification: 'suspected_drug',
    evidence_stage: 'pm_awaiting_tox',
    age_at_death: 41,
    sex: 'male',
    ethnic_group: 'white_british',
    residence_area: 'watford',
    substances: ['heroin_morphine', 'alcohol'],
    treatment_status: 'in_treatment',
    ...overrides,
  };
}

const recordsIn = async (organisationId: number) =>
  t.db
    .selectFrom('records')
    .select(['id', 'partner_record_ref'])
    .where('organisation_id', '=', organisationId)
    .execute();

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-02T10:00:00Z' });
  org = await createOrganisation(t, { name: 'Herts Ambulance', code: 'HAM', active_from: '2026-01' });
  other = await createOrganisation(t, { name: 'Other Trust', code: 'OTH', active_from: '2026-01' });
  lead = await createUser(t, 'partner', org.id);
  key = await t.services.apiTokens.issue(
    { name: 'Case system', scope: 'submit', days: 365, organisationId: org.id },
    lead,
  );
});
afterAll(() => t.close());

describe('the OpenAPI document', () => {
  it('when it is read then it validates as OpenAPI 3.1, and every route of the API is in it', async () => {
    const served = await request(t.app).get('/api/v1/openapi.json');
    expect(served.status).toBe(200);
    await expect(SwaggerParser.validate(structuredClone(served.body))).resolves.toBeTruthy();
    const routes = routeTable(t.app)
      .filter((r) => r.path.startsWith('/api/v1/submission/') && r.path !== '/api/v1/submission/reference')
      .map((r) => `${r.method} ${r.path.replace('/api/v1/submission', '').replace(/:(\w+)/g, '{$1}')}`)
      .sort();
    expect(routes).toEqual(operations.map((o) => `${o.method.toUpperCase()} ${o.path}`).sort());
    // Field descriptions and codes come from the field table.
    const sex = served.body.components.schemas.RecordInput.properties.sex;
    expect(JSON.stringify(sex)).toContain('"male"');
  });

  it('when a developer opens the reference page then each endpoint and the fields are listed', async () => {
    const page = await request(t.app).get('/api/v1/submission/reference');
    expect(page.status).toBe(200);
    expect(within(page, '#op-post--returns-period-records')).toContain('/returns/{period}/records');
    expect(within(page, 'main')).toContain('partner_record_ref');
  });
});

describe('making a return through the API', () => {
  it('when a system lists and reads returns then the answers match the document', async () => {
    const list = await api('/returns').get();
    expect(list.status).toBe(200);
    expectMatches('ReturnList', list.body);
    expect(list.body.returns.map((r: { period: string }) => r.period)).toContain('2026-03');
    const detail = await api('/returns/2026-03').get();
    expectMatches('ReturnDetail', detail.body);
    expect(detail.body).toMatchObject({ period: '2026-03', status: 'not_started', records: [] });
  });

  it('when a system adds, replaces and withdraws deaths then each is stored once and audited as the key', async () => {
    const feb = { date_of_death: '2026-02-14', date_partner_aware: '2026-02-16' };
    const created = await api('/returns/2026-02/records').post(death('HAM-1', feb), 'create-HAM-1');
    expect(created.status).toBe(201);
    expectMatches('Record', created.body);
    const id = created.body.id as number;
    const replaced = await api(`/returns/2026-02/records/${id}`).put(
      death('HAM-1', { ...feb, age_at_death: 42 }),
      'put-1',
    );
    expect([replaced.status, replaced.body.answers.age_at_death]).toEqual([200, 42]);
    const withdrawn = await api(`/returns/2026-02/records/${id}/withdraw`).post(
      { reason: 'duplicate' },
      'wd-1',
    );
    expect([withdrawn.status, withdrawn.body.status]).toEqual([200, 'withdrawn']);
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['action', 'actor'])
      .where('entity', '=', 'record')
      .where('entity_id', '=', String(id))
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['record_created', 'record_updated', 'record_withdrawn']);
    expect(audit[0]!.actor).toBe(`the “Case system” key, created by ${lead.email}`);
  });

  it('when a system submits then the return is signed by the key for the person declaring', async () => {
    const jan = await api('/returns/2026-01/records').post(
      death('HAM-JAN-1', { date_of_death: '2026-01-10', date_partner_aware: '2026-01-12' }),
    );
    expect(jan.status).toBe(201);
    const submitted = await api('/returns/2026-01/submit').post(
      { declaration: true, name: 'Sam Lee', role: 'Data manager' },
      'sub-jan',
    );
    expect([submitted.status, submitted.body.type]).toEqual([201, undefined]);
    expectMatches('Signed', submitted.body);
    const version = await t.db
      .selectFrom('return_submissions')
      .select(['signed_by_email'])
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(version.signed_by_email).toBe(lead.email);
    const signedAudit = await t.db
      .selectFrom('audit_log')
      .select('actor')
      .where('action', '=', 'return_submitted')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    expect(signedAudit?.actor).toContain('the “Case system” key; declared by Sam Lee, Data manager');
  });

  it('when the answers break the form’s rules then each comes back by its field, with the form’s message', async () => {
    const response = await api('/returns/2026-03/records').post(
      death('HAM-BAD', { age_at_death: 200, sex: 'x' }),
    );
    expect(response.status).toBe(400);
    expect(response.type).toBe('application/problem+json');
    expectMatches('Problem', response.body);
    expect(response.body.type).toBe('/api/v1/problems/invalid-request');
    const pointers = response.body.errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/age_at_death', '/sex']));
  });

  it('when a free-text field holds an NHS number then it is refused and not echoed', async () => {
    const response = await api('/returns/2026-03/records').post(
      death('HAM-NHS', { cause_of_death_text: '943 476 5919' }),
    );
    const sent = JSON.stringify(response.body);
    expect(response.status).toBe(400);
    expect(sent).not.toContain('943 476 5919');
    expect((await recordsIn(org.id)).map((r) => r.partner_record_ref)).not.toContain('HAM-NHS');
  });
});

describe("CCSU's questions", () => {
  it('when CCSU asks about a death then the system reads the question and answers it, as the key', async () => {
    const made = await api('/returns/2026-03/records').post(death('HAM-Q1'));
    const analyst = await createUser(t, 'ccsu_analyst');
    const id = await t.services.queries.raise(made.body.id, 'age_at_death', 'Is the age right?', analyst);
    const listed = await api('/returns/2026-03/queries').get();
    expectMatches('QueryList', listed.body);
    expect(listed.body.queries).toEqual([
      expect.objectContaining({ id, reference: 'HAM-Q1', field: 'age_at_death', status: 'open' }),
    ]);
    const answered = await api(`/queries/${id}/answer`).post(
      { answer: 'Yes, confirmed by the crew' },
      'answer-q1',
    );
    expectMatches('Query', answered.body);
    expect([answered.status, answered.body.status]).toEqual([200, 'answered']);
    const audit = await t.db
      .selectFrom('audit_log')
      .select('actor')
      .where('action', '=', 'query_answered')
      .where('entity_id', '=', String(id))
      .executeTakeFirstOrThrow();
    expect(audit.actor).toBe(`the “Case system” key, created by ${lead.email}`);
    const theirs = await t.services.queries.raise(
      (await api('/returns/2026-03/records').post(death('HAM-Q2'))).body.id,
      'sex',
      'Check?',
      analyst,
    );
    const other = await t.services.apiTokens.issue(
      { name: 'Other system', scope: 'submit', days: 365, organisationId: other_org() },
      lead,
    );
    const refused = await api(`/queries/${theirs}/answer`, other).post({ answer: 'Not ours' });
    expect(refused.status).toBe(404);
  });
});

describe('linkage identifiers', () => {
  it('when a system sends an NHS number for linking then only keys are kept, nowhere the number or a plain hash of it', async () => {
    const made = await api('/returns/2026-03/records').post(death('HAM-LINK-1'));
    const body = {
      nhs_number: '943 476 5919',
      surname: 'Doe',
      first_initial: 'J',
      date_of_birth: '1985-02-03',
    };
    const linked = await api(`/returns/2026-03/records/${made.body.id}/linkage`).put(body, 'link-1');
    expect([linked.status, linked.body.errors]).toEqual([200, undefined]);
    expectMatches('Record', linked.body);
    expect(JSON.stringify(linked.body)).not.toContain('9434765919');
    const record = await t.db
      .selectFrom('records')
      .select(['match_key_nhs'])
      .where('id', '=', made.body.id)
      .executeTakeFirstOrThrow();
    expect(record.match_key_nhs).toBeTruthy();
    const remembered = await t.db
      .selectFrom('idempotent_requests')
      .selectAll()
      .where('key', '=', 'link-1')
      .executeTakeFirstOrThrow();
    const stored = JSON.stringify(remembered);
    expect(stored).not.toMatch(/9434765919|943 476 5919|1985-02-03|Doe/);
    const plain = createHash('sha256')
      .update(
        `PUT /api/v1/submission/returns/2026-03/records/${made.body.id}/linkage\n${JSON.stringify(body)}`,
      )
      .digest('hex');
    expect(remembered.request_hash).not.toBe(plain);
  });
});

describe('retrying safely', () => {
  it('when the same key and body are sent twice then the same answer comes back and one death is stored', async () => {
    const first = await api('/returns/2026-03/records').post(death('HAM-R1'), 'retry-1');
    const again = await api('/returns/2026-03/records').post(death('HAM-R1'), 'retry-1');
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.body).toEqual(first.body);
    expect((await recordsIn(org.id)).filter((r) => r.partner_record_ref === 'HAM-R1')).toHaveLength(1);
  });

  it('when the same key comes with another body then it is refused with 409', async () => {
    await api('/returns/2026-03/records').post(death('HAM-R2'), 'retry-2');
    const other = await api('/returns/2026-03/records').post(death('HAM-R3'), 'retry-2');
    expect([other.status, other.body.type]).toEqual([409, '/api/v1/problems/idempotency-key-reused']);
    expect((await recordsIn(org.id)).map((r) => r.partner_record_ref)).not.toContain('HAM-R3');
  });

  it('when one key is sent twice at once then one death is stored', async () => {
    const answers = await Promise.all([
      api('/returns/2026-03/records').post(death('HAM-R4'), 'race-4'),
      api('/returns/2026-03/records').post(death('HAM-R4'), 'race-4'),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual(expect.arrayContaining([201]));
    for (const a of answers) expect([201, 409]).toContain(a.status);
    expect((await recordsIn(org.id)).filter((r) => r.partner_record_ref === 'HAM-R4')).toHaveLength(1);
  });

  it('when a day has passed then the keys used are forgotten by the hourly job', async () => {
    await api('/returns/2026-03/records').post(death('HAM-OLD'), 'old-key');
    const remembered = () =>
      t.db.selectFrom('idempotent_requests').select('key').where('key', '=', 'old-key').execute();
    await forgetOldRequests(t.db, t.clock);
    expect(await remembered()).toHaveLength(1);
    t.clock.advance(25 * 3_600_000);
    try {
      await forgetOldRequests(t.db, t.clock);
      expect(await remembered()).toHaveLength(0);
    } finally {
      t.clock.advance(-25 * 3_600_000);
    }
  });

  it('when a key was claimed by a request whose process died then it is in flight for a minute, and then taken over', async () => {
    // What a killed process leaves: the key claimed with this request's hash, never answered.
    const sending = { ...death('HAM-DIED-1') };
    const claim = await api('/returns/2026-03/records').post(sending, 'died-1');
    expect(claim.status).toBe(201);
    await t.db
      .updateTable('idempotent_requests')
      .set({ status: null, body: null })
      .where('key', '=', 'died-1')
      .execute();
    await t.db.deleteFrom('records').where('partner_record_ref', '=', 'HAM-DIED-1').execute();
    const soon = await api('/returns/2026-03/records').post(sending, 'died-1');
    expect([soon.status, soon.body.type]).toEqual([409, '/api/v1/problems/idempotency-key-in-flight']);
    t.clock.advance(61_000);
    try {
      const later = await api('/returns/2026-03/records').post(sending, 'died-1');
      expect(later.status).toBe(201);
      expect((await recordsIn(org.id)).filter((r) => r.partner_record_ref === 'HAM-DIED-1')).toHaveLength(1);
      const again = await api('/returns/2026-03/records').post(sending, 'died-1');
      expect(again.body).toEqual(later.body);
    } finally {
      t.clock.advance(-61_000);
    }
  });

  it('when a death is re-sent without a key, with the same reference and answers, then no duplicate is made', async () => {
    const first = await api('/returns/2026-03/records').post(death('HAM-R5'));
    const again = await api('/returns/2026-03/records').post(death('HAM-R5'));
    expect(again.body.id).toBe(first.body.id);
  });
});

describe('under load', () => {
  it('when one key creates 1,000 deaths as fast as it can then every one is saved and none fails', async () => {
    const statuses: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (next < 1000) {
          const i = next++;
          const response = await api('/returns/2026-03/records').post(
            death(`HAM-LOAD-${i}`, { age_at_death: 18 + (i % 70) }),
            `load-${i}`,
          );
          statuses.push(response.status);
        }
      }),
    );
    expect(statuses.filter((s) => s !== 201)).toEqual([]);
    const saved = (await recordsIn(org.id)).filter((r) => r.partner_record_ref.startsWith('HAM-LOAD-'));
    expect(saved).toHaveLength(1000);
  }, 60_000); // the issue's "1,000 in one minute": on a busy 2-core machine it has taken 20–35 s
});

describe('what a key may do', () => {
  it('when a key asks for a month its organisation does not make a return for then it is not found', async () => {
    expect((await api('/returns/2025-06').get()).status).toBe(404);
  });

  it("when a key names another organisation's death then it is not found", async () => {
    const theirs = await t.services.apiTokens.issue(
      { name: 'Theirs', scope: 'submit', days: 365, organisationId: other.id },
      await createUser(t, 'partner', other.id),
    );
    const made = await api('/returns/2026-03/records', theirs).post(death('OTH-1'));
    expect(made.status).toBe(201);
    const response = await api(`/returns/2026-03/records/${made.body.id}`).put(death('HAM-STEAL'));
    expect([response.status, response.body.type]).toEqual([404, '/api/v1/problems/not-found']);
    // An id no row can have is not found before any query (it used to reach PostgreSQL: a 500).
    const huge = await api('/returns/2026-03/records/9999999999/withdraw').post({ reason: 'duplicate' });
    expect([huge.status, huge.type, huge.body.type]).toEqual([
      404,
      'application/problem+json',
      '/api/v1/problems/not-found',
    ]);
  });

  it('when a key is revoked or expired, or the wrong kind, then it is refused', async () => {
    const revoked = await t.services.apiTokens.issue(
      { name: 'Old', scope: 'submit', days: 365, organisationId: org.id },
      lead,
    );
    const row = await t.db
      .selectFrom('api_tokens')
      .select('id')
      .where('name', '=', 'Old')
      .executeTakeFirstOrThrow();
    await t.services.apiTokens.revoke(row.id, lead, org.id);
    expect((await api('/returns', revoked).get()).status).toBe(401);
    const expiring = await t.services.apiTokens.issue(
      { name: 'Expiring', scope: 'submit', days: 365, organisationId: org.id },
      lead,
    );
    await t.db
      .updateTable('api_tokens')
      .set({ expires_at: new Date(t.clock.now().getTime() - 1000) })
      .where('name', '=', 'Expiring')
      .execute();
    const expired = await api('/returns', expiring).get();
    expect([expired.status, expired.body.detail]).toEqual([401, 'The key is expired']);
    const admin = await createUser(t, 'ccsu_admin');
    const feed = await t.services.apiTokens.issue({ name: 'Feed', scope: 'aggregates', days: 30 }, admin);
    const wrong = await api('/returns', feed).get();
    expect([wrong.status, wrong.body.type]).toEqual([403, '/api/v1/problems/wrong-scope']);
    // And the other way: a submission key cannot read the feed.
    const feedRead = await request(t.app).get('/api/v1/areas.json').set('Authorization', `Bearer ${key}`);
    expect(feedRead.status).toBe(403);
  });

  it('when the month is locked then writes are refused as the pages refuse them', async () => {
    await api('/returns/2026-03/records').post(death('HAM-L1'));
    await t.db
      .updateTable('returns')
      .set({ locked_at: t.clock.now() })
      .where('organisation_id', '=', org.id)
      .where('period', '=', '2026-03')
      .execute();
    try {
      const refused = await api('/returns/2026-03/records').post(death('HAM-L2'));
      expect([refused.status, refused.body.type]).toEqual([409, '/api/v1/problems/locked']);
      const submit = await api('/returns/2026-03/submit').post({
        declaration: true,
        name: 'Sam Lee',
        role: 'Data manager',
      });
      expect([submit.status, submit.body.type]).toEqual([409, '/api/v1/problems/locked']);
    } finally {
      await t.db
        .updateTable('returns')
        .set({ locked_at: null })
        .where('organisation_id', '=', org.id)
        .where('period', '=', '2026-03')
        .execute();
    }
  });
});
