// A partner asking CCSU for something only CCSU can do (nominate a return lead, reopen a locked month):
// one email to the CCSU distribution list, at most once a day for the same request, and an audit entry,
// in one transaction, so the partner is never at a dead end and a button pressed again floods nobody.
import { audit, type AuditEntry } from '../audit/audit.js';
import type { Db } from '../db/database.js';
import { londonDateOf } from '../domain/periods.js';
import { enqueue } from './outbox.js';
import { ccsuDistributionList } from './recipients.js';
import { renderEmail } from './templates.js';

export type AskCcsuResult = 'sent' | 'already_sent_today' | 'no_recipients';

export async function askCcsu(
  db: Db,
  now: Date,
  request: {
    /** What is asked, for whom: the same key on the same London day is not sent again. */
    key: string;
    subject: string;
    template: string;
    data: Record<string, unknown>;
    audit: Omit<AuditEntry, 'at'>;
  },
): Promise<AskCcsuResult> {
  const to = await ccsuDistributionList(db);
  if (to.length === 0) return 'no_recipients';
  const content = await renderEmail(request.template, request.data);
  return db.transaction().execute(async (trx) => {
    const queued = await enqueue(
      trx,
      { idempotencyKey: `${request.key}:${londonDateOf(now)}`, to, subject: request.subject, ...content },
      now,
    );
    if (!queued) return 'already_sent_today' as const;
    await audit(trx, { ...request.audit, at: now });
    return 'sent' as const;
  });
}
