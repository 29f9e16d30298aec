// Data-quality queries: an analyst asks about one field of a record; the partner answers (or amends the
// return); the analyst closes it. Each step is audited and emailed through the outbox.
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { User } from '../db/types.js';
import { actorOf, audit, type Actor } from '../audit/audit.js';
import { enqueue } from '../mail/outbox.js';
import { renderEmail } from '../mail/templates.js';
import { fieldLabel } from '../records/schema.js';
import * as repo from './queries-repository.js';
import { fail, type Result } from '../lib/result.js';

/** Why an answer was not taken: no such question for this organisation, or CCSU closed it meanwhile. */
export type AnswerResult = Result<object, 'not_found' | 'closed'>;
export type CloseResult = Result<object, 'not_found' | 'already_closed'>;

export class QueriesService {
  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly clock: Clock,
  ) {}

  forCcsu() {
    return repo.queriesForCcsu(this.db, 500);
  }

  forRecord(recordId: number) {
    return repo.queriesOfRecord(this.db, recordId);
  }

  /** A partner sees only their own organisation's queries. */
  forOrganisation(organisationId: number, status?: 'open') {
    return repo.queriesOfOrganisation(this.db, organisationId, status);
  }

  findForOrganisation(id: number, organisationId: number) {
    return repo.queryOfOrganisation(this.db, id, organisationId);
  }

  async raise(recordId: number, field: string, question: string, analyst: User): Promise<number | undefined> {
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      const record = await repo.recordToQuery(trx, recordId);
      if (!record) return undefined;
      const query = await repo.insertQuery(trx, {
        record_id: recordId,
        organisation_id: record.organisation_id,
        field,
        question,
        raised_by: analyst.id,
        raised_at: now,
      });
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
        actor: actorOf(analyst),
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
  async answer(id: number, organisationId: number, answer: string, actor: Actor): Promise<AnswerResult> {
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      const query = await repo.answerQuery(trx, {
        id,
        organisationId,
        answer,
        answeredBy: actor.userId,
        at: now,
      });
      if (!query)
        return fail((await repo.queryOfOrganisation(trx, id, organisationId)) ? 'closed' : 'not_found');
      const analyst = await repo.emailOfUser(trx, query.raised_by);
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
          to: [analyst],
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
      return { ok: true as const };
    });
  }

  /** Closes a question; already_closed when another analyst (or this one, in another tab) has. */
  async close(id: number, analyst: User): Promise<CloseResult> {
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      const query = await repo.closeQuery(trx, id, now);
      if (!query) return fail((await repo.queryExists(trx, id)) ? 'already_closed' : 'not_found');
      await audit(trx, {
        actor: actorOf(analyst),
        organisationId: query.organisation_id,
        action: 'query_closed',
        entity: 'query',
        entityId: id,
        at: now,
      });
      return { ok: true as const };
    });
  }
}
