// The administrators' outbox and audit-log pages' queries: plain functions taking db | trx.
import { sql } from 'kysely';
import type { DbOrTrx } from '../db/database.js';

export interface AuditFilters {
  actor?: string;
  organisation?: number;
  action?: string;
  from?: string;
  to?: string;
}

/** The latest 200 messages, newest first, without their bodies. */
export function latestMessages(db: DbOrTrx) {
  return db
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

export function findMessage(db: DbOrTrx, id: number) {
  return db.selectFrom('outbox').selectAll().where('id', '=', String(id)).executeTakeFirst();
}

/** A message's HTML part, never for a message carrying a personal link. */
export function messageHtml(db: DbOrTrx, id: number) {
  return db
    .selectFrom('outbox')
    .select(['html', 'subject'])
    .where('id', '=', String(id))
    .where('secret', '=', false)
    .executeTakeFirst();
}

/** The audit log, newest first, filtered by user, organisation, action and London date. */
export function auditQuery(db: DbOrTrx, f: AuditFilters) {
  let query = db.selectFrom('audit_log').selectAll();
  if (f.actor) query = query.where('actor', 'ilike', `%${f.actor.replace(/[%_\\]/g, '\\$&')}%`);
  if (f.organisation) query = query.where('organisation_id', '=', f.organisation);
  if (f.action) query = query.where('action', '=', f.action);
  if (f.from) query = query.where(sql`(at at time zone 'Europe/London')::date`, '>=', f.from);
  if (f.to) query = query.where(sql`(at at time zone 'Europe/London')::date`, '<=', f.to);
  return query.orderBy('id', 'desc');
}

/** The actions the audit log holds, and every organisation: the audit page's filter choices. */
export async function auditChoices(db: DbOrTrx) {
  const [actions, organisations] = await Promise.all([
    db.selectFrom('audit_log').select('action').distinct().orderBy('action').execute(),
    db.selectFrom('organisations').select(['id', 'name']).orderBy('name').execute(),
  ]);
  return { actions: actions.map((a) => a.action), organisations };
}
