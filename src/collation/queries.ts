// Data-quality queries: an analyst asks about one field of a record; the partner answers (or amends the
// return); the analyst closes it. Each step is audited and emailed through the outbox.
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { User } from '../db/types.js';
import { audit, type Actor } from '../audit/audit.js';
import { enqueue } from '../mail/outbox.js';
import { renderEmail } from '../mail/templates.js';
import { fieldLabel } from '../records/schema.js';

export class QueriesService {
  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly clock: Clock,
  ) {}

  private list() {
    return this.db
      .selectFrom('queries')
      .innerJoin('records', 'records.id', 'queries.record_id')
      .innerJoin('returns', 'returns.id', 'records.return_id')
      .innerJoin('organisations', 'organisations.id', 'queries.organisation_id')
      .selectAll('queries')
      .select(['records.partner_record_ref', 'returns.period', 'organisations.name as organisation_name']);
  }

  forCcsu() {
    return this.list().orderBy('queries.status').orderBy('queries.id', 'desc').limit(500).execute();
  }

  forRecord(recordId: number) {
    return this.list().where('queries.record_id', '=', recordId).orderBy('queries.id').execute();
  }

  /** A partner sees only their own organisation's queries. */
  forOrganisation(organisationId: number, status?: 'open') {
    let q = this.list().where('queries.organisation_id', '=', organisationId);
    if (status) q = q.where('queries.status', '=', status);
    return q.orderBy('queries.id', 'desc').execute();
  }

  findForOrganisation(id: number, organisationId: number) {
    return this.list()
      .where('queries.id', '=', id)
      .where('queries.organisation_id', '=', organisationId)
      .executeTakeFirst();
  }

  async raise(recordId: number, field: string, question: string, analyst: User): Promise<number | undefined> {
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      const record = await trx
        .selectFrom('records')
        .innerJoin('organisations', 'organisations.id', 'records.organisation_id')
        .innerJoin('returns', 'returns.id', 'records.return_id')
        .select([
          'records.id',
          'records.organisation_id',
          'records.partner_record_ref',
          'organisations.return_contacts',
          'returns.period',
        ])
        .where('records.id', '=', recordId)
        .executeTakeFirst();
      if (!record) return undefined;
      const query = await trx
        .insertInto('queries')
        .values({
          record_id: recordId,
          organisation_id: record.organisation_id,
          field,
          question,
          raised_by: analyst.id,
          raised_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const content = await renderEmail('query', {
        intro: `The County Community Safety Unit has a question about your record ${record.partner_record_ref} (${fieldLabel(field)}).`,
        text: question,
        link: `${this.config.publicUrl}/returns/queries/${query.id}`,
        action: 'Answer the question',
      });
      await enqueue(
        trx,
        {
          idempotencyKey: `query:${query.id}:raised`,
          to: record.return_contacts,
          subject: `A question about your record ${record.partner_record_ref}`,
          ...content,
        },
        now,
      );
      await audit(trx, {
        actor: { userId: analyst.id, label: analyst.email },
        organisationId: record.organisation_id,
        action: 'query_raised',
        entity: 'query',
        entityId: query.id,
        detail: { record: recordId, field },
        at: now,
      });
      return query.id;
    });
  }

  /** A partner (at the pages, or their system by its key) answers a question about their record. */
  async answer(id: number, organisationId: number, answer: string, actor: Actor): Promise<boolean> {
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      const query = await trx
        .updateTable('queries')
        .set({ answer, status: 'answered', answered_by: actor.userId, answered_at: now })
        .where('id', '=', id)
        .where('organisation_id', '=', organisationId)
        .where('status', '!=', 'closed')
        .returningAll()
        .executeTakeFirst();
      if (!query) return false;
      const analyst = await trx
        .selectFrom('users')
        .select('email')
        .where('id', '=', query.raised_by)
        .executeTakeFirstOrThrow();
      const content = await renderEmail('query', {
        intro: `${actor.label} has answered your question about ${fieldLabel(query.field)}.`,
        text: answer,
        link: `${this.config.publicUrl}/ccsu/records/${query.record_id}`,
        action: 'See the record',
      });
      await enqueue(
        trx,
        {
          idempotencyKey: `query:${id}:answered:${now.getTime()}`,
          to: [analyst.email],
          subject: 'Your data-quality question has been answered',
          ...content,
        },
        now,
      );
      await audit(trx, {
        actor,
        organisationId,
        action: 'query_answered',
        entity: 'query',
        entityId: id,
        at: now,
      });
      return true;
    });
  }

  async close(id: number, analyst: User): Promise<boolean> {
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      const query = await trx
        .updateTable('queries')
        .set({ status: 'closed', closed_at: now })
        .where('id', '=', id)
        .where('status', '!=', 'closed')
        .returning(['organisation_id'])
        .executeTakeFirst();
      if (!query) return false;
      await audit(trx, {
        actor: { userId: analyst.id, label: analyst.email },
        organisationId: query.organisation_id,
        action: 'query_closed',
        entity: 'query',
        entityId: id,
        at: now,
      });
      return true;
    });
  }
}
