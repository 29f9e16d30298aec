// A partner whose month is locked asks CCSU to reopen it: an email to the CCSU distribution list and
// an audit entry, at most one a day for a return, so the partner is never at a dead end.
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { Organisation, User } from '../db/types.js';
import { actorOf, audit } from '../audit/audit.js';
import { formatPeriod, londonDateOf } from '../domain/periods.js';
import { enqueue } from '../mail/outbox.js';
import { renderEmail } from '../mail/templates.js';
import { getSettings } from '../settings/settings.js';

export type ReopenRequestResult = 'sent' | 'already_sent_today' | 'no_recipients';

export async function requestReopen(
  db: Db,
  config: Config,
  clock: Clock,
  request: { organisation: Organisation; period: string; user: User; reason: string },
): Promise<ReopenRequestResult> {
  const { organisation, period, user, reason } = request;
  const now = clock.now();
  const to = (await getSettings(db)).ccsuDistributionList;
  if (to.length === 0) return 'no_recipients';
  const content = await renderEmail('reopen-request', {
    organisationName: organisation.name,
    month: formatPeriod(period),
    askedBy: user.email,
    reason,
    link: `${config.publicUrl}/ccsu/returns/${organisation.id}/${period}/reopen`,
  });
  return db.transaction().execute(async (trx) => {
    const queued = await enqueue(
      trx,
      {
        idempotencyKey: `reopen-request:${organisation.id}:${period}:${londonDateOf(now)}`,
        to,
        subject: `Request to reopen ${organisation.name}’s ${formatPeriod(period)} return`,
        ...content,
      },
      now,
    );
    if (!queued) return 'already_sent_today' as const;
    await audit(trx, {
      actor: actorOf(user),
      organisationId: organisation.id,
      action: 'reopen_requested',
      entity: 'return',
      entityId: `${organisation.id}:${period}`,
      detail: { period, reason },
      at: now,
    });
    return 'sent' as const;
  });
}
