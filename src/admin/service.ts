// What the administrators' outbox and audit-log pages read (the queries are in repository.ts).
import { longStream } from '../db/long-stream.js';
import type { Db, DbOrTrx } from '../db/database.js';
import * as repo from './repository.js';
import type { AuditFilters } from './repository.js';

export type { AuditFilters };

export class AdminService {
  constructor(private readonly db: Db) {}

  outbox() {
    return repo.latestMessages(this.db);
  }

  /** One message; a message carrying a personal link comes without its body, for anyone. */
  async message(id: number) {
    const found = await repo.findMessage(this.db, id);
    return found?.secret ? { ...found, text: '', html: '' } : found;
  }

  /** The HTML part as sent, never for a message carrying a personal link. */
  messageHtml(id: number) {
    return repo.messageHtml(this.db, id);
  }

  /** The audit log, newest first, filtered by user, organisation, action and London date. */
  auditQuery(f: AuditFilters, db: DbOrTrx = this.db) {
    return repo.auditQuery(db, f);
  }

  /** The audit log as filtered, streamed for its download. */
  auditStream(f: AuditFilters) {
    return longStream(this.db, (db) => repo.auditQuery(db, f));
  }

  /** The choices the audit page's filters offer. */
  auditChoices() {
    return repo.auditChoices(this.db);
  }
}
