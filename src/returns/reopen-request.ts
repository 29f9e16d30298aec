// A partner whose month is locked asks CCSU to reopen it: an email to the CCSU distribution list and
// an audit entry, at most one a day for a return, so the partner is never at a dead end.
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { Organisation, User } from '../db/types.js';
import { actorOf } from '../audit/audit.js';
import { formatPeriod } from '../domain/periods.js';
import { askCcsu, type AskCcsuResult } from '../mail/ask-ccsu.js';

export type ReopenRequestResult = AskCcsuResult;

export function requestReopen(
  db: Db,
  config: Config,
  clock: Clock,
  request: { organisation: Organisation; period: string; user: User; reason: string },
): Promise<ReopenRequestResult> {
  const { organisation, period, user, reason } = request;
  return askCcsu(db, clock.now(), {
    key: `reopen-request:${organisation.id}:${period}`,
    subject: `Request to reopen ${organisation.name}’s ${formatPeriod(period)} return`,
    template: 'reopen-request',
    data: {
      organisationName: organisation.name,
      month: formatPeriod(period),
      askedBy: user.email,
      reason,
      link: `${config.publicUrl}/ccsu/returns/${organisation.id}/${period}/reopen`,
    },
    audit: {
      actor: actorOf(user),
      organisationId: organisation.id,
      action: 'reopen_requested',
      entity: 'return',
      entityId: `${organisation.id}:${period}`,
      detail: { period, reason },
    },
  });
}
