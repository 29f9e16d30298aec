// A partner whose organisation has no return lead cannot submit once an agreement is in force (nobody
// can accept it for them): one button asks CCSU to nominate one — an email to the CCSU list with a link
// to the organisation's users, at most once a day for an organisation, audited — so it is never a dead
// end.
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { Organisation, User } from '../db/types.js';
import { actorOf, audit } from '../audit/audit.js';
import { londonDateOf } from '../domain/periods.js';
import { enqueue } from '../mail/outbox.js';
import { ccsuDistributionList } from '../mail/recipients.js';
import { renderEmail } from '../mail/templates.js';

export type LeadRequestResult = 'sent' | 'already_sent_today' | 'no_recipients';

export async function askForReturnLead(
  db: Db,
  clock: Clock,
  publicUrl: string,
  organisation: Organisation,
  user: User,
): Promise<LeadRequestResult> {
  const now = clock.now();
  const to = await ccsuDistributionList(db);
  if (to.length === 0) return 'no_recipients';
  const content = await renderEmail('return-lead-request', {
    organisationName: organisation.name,
    askedBy: user.email,
    link: `${publicUrl}/admin/users?organisation=${organisation.id}`,
  });
  return db.transaction().execute(async (trx) => {
    const queued = await enqueue(
      trx,
      {
        idempotencyKey: `return-lead-request:${organisation.id}:${londonDateOf(now)}`,
        to,
        subject: `${organisation.name} needs a return lead`,
        ...content,
      },
      now,
    );
    if (!queued) return 'already_sent_today' as const;
    await audit(trx, {
      actor: actorOf(user),
      organisationId: organisation.id,
      action: 'return_lead_requested',
      entity: 'organisation',
      entityId: organisation.id,
      at: now,
    });
    return 'sent' as const;
  });
}
