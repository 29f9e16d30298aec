// What the administrators' outbox and audit-log pages read: plain queries, kept out of the router.
import { longStream } from '../db/long-stream.js';
import { sql } from 'kysely';
import type { Db, DbOrTrx } from '../db/database.js';

export interface AuditFilters {
  actor?: string;
  organisation?: number;
  action?: string;
  from?: string;
  to?: string;
}

export class AdminService {
  constructor(private readonly db: Db) {}

  outbox() {
    return this.db
      .selectFrom('outbox')
      .select([
        'id',
        'to_addresses',
        'subject',
        'status',
        'attempts',
        'last_error',
        'created_at',
        'sent_at',
        'secret',
      ])
      .orderBy('id', 'desc')
      .limit(200)
      .execute();
  }

  /** One message; a message carrying a personal link comes without its body, for anyone. */
  async message(id: number) {
    const found = await this.db
      .selectFrom('outbox')
      .selectAll()
      .where('id', '=', String(id))
      .executeTakeFirst();
    return found?.secret ? { ...found, text: '', html: '' } : found;
  }

  /** The HTML part as sent, never for a message carrying a personal link. */
  messageHtml(id: number) {
    return this.db
      .selectFrom('outbox')
      .select(['html', 'subject'])
      .where('id', '=', String(id))
      .where('secret', '=', false)
      .executeTakeFirst();
  }

  /** The audit log, newest first, filtered by user, organisation, action and London date. */
  auditQuery(f: AuditFilters, db: DbOrTrx = this.db) {
    let query = db.selectFrom('audit_log').selectAll();
    if (f.actor) query = query.where('actor', 'ilike', `%${f.actor.replace(/[%_\\]/g, '\\$&')}%`);
    if (f.organisation) query = query.where('organisation_id', '=', f.organisation);
    if (f.action) query = query.where('action', '=', f.action);
    if (f.from) query = query.where(sql`(at at time zone 'Europe/London')::date`, '>=', f.from);
    if (f.to) query = query.where(sql`(at at time zone 'Europe/London')::date`, '<=', f.to);
    return query.orderBy('id', 'desc');
  }

  /** The audit log as filtered, streamed for its download. */
  auditStream(f: AuditFilters) {
    return longStream(this.db, (db) => this.auditQuery(f, db));
  }

  /** The choices the audit page's filters offer. */
  async auditChoices() {
    const [actions, organisations] = await Promise.all([
      this.db.selectFrom('audit_log').select('action').distinct().orderBy('action').execute(),
      this.db.selectFrom('organisations').select(['id', 'name']).orderBy('name').execute(),
    ]);
    return { actions: actions.map((a) => a.action), organisations };
  }
}
