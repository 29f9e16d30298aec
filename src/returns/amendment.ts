// Starting an amendment inside the caller's transaction: a submitted (or nil) return, not locked,
// becomes "reopened" with the reason recorded and audited; it is signed again with signing.ts.
import type { Transaction } from 'kysely';
import type { DB, Organisation, User } from '../db/types.js';
import { actorOf, audit } from '../audit/audit.js';
import * as repo from './repository.js';
import { fail, type Result } from '../lib/result.js';

export type AmendReason = 'not_found' | 'locked' | 'not_submitted';

export async function reopenForAmendment(
  trx: Transaction<DB>,
  now: Date,
  input: {
    organisation: Organisation;
    period: string;
    user: User;
    reason: { code: string; text: string | null };
  },
): Promise<Result<object, AmendReason>> {
  const { organisation, period, user, reason } = input;
  const row = await repo.lockReturn(trx, organisation.id, period, now);
  if (row.locked_at) return fail('locked');
  if (row.state !== 'submitted' && row.state !== 'nil') return fail('not_submitted');
  await repo.startAmendment(trx, row.id, reason, now);
  await audit(trx, {
    actor: actorOf(user),
    organisationId: organisation.id,
    action: 'amendment_started',
    entity: 'return',
    entityId: row.id,
    detail: { period, reason: reason.code, reason_text: reason.text },
    at: now,
  });
  return { ok: true };
}
