// A partner whose organisation has no return lead cannot submit once an agreement is in force (nobody
// can accept it for them): one button asks CCSU to nominate one — an email to the CCSU list with a link
// to the organisation's users, at most once a day for an organisation, audited — so it is never a dead
// end.
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { Organisation, User } from '../db/types.js';
import { actorOf } from '../audit/audit.js';
import { askCcsu, type AskCcsuResult } from '../mail/ask-ccsu.js';

export type LeadRequestResult = AskCcsuResult;

export function askForReturnLead(
  db: Db,
  clock: Clock,
  publicUrl: string,
  organisation: Organisation,
  user: User,
): Promise<LeadRequestResult> {
  return askCcsu(db, clock.now(), {
    key: `return-lead-request:${organisation.id}`,
    subject: `${organisation.name} needs a return lead`,
    template: 'return-lead-request',
    data: {
      organisationName: organisation.name,
      askedBy: user.email,
      link: `${publicUrl}/admin/users?organisation=${organisation.id}`,
    },
    audit: {
      actor: actorOf(user),
      organisationId: organisation.id,
      action: 'return_lead_requested',
      entity: 'organisation',
      entityId: organisation.id,
    },
  });
}
