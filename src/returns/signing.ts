// Signing a return (a submission, an amendment's resubmission or a nil return) inside the caller's
// transaction: the return row is locked, checked, versioned with its records, linked into cases,
// audited and receipted, all or nothing.
import type { Transaction } from 'kysely';
import type { DbOrTrx } from '../db/database.js';
import type { DB, Organisation } from '../db/types.js';
import { audit } from '../audit/audit.js';
import { canSubmitOn, formatDate, formatPeriod, lastDayOf, type IsoDate } from '../domain/periods.js';
import { enqueue } from '../mail/outbox.js';
import { renderEmail } from '../mail/templates.js';
import { completenessErrors } from '../records/schema.js';
import { recordDataOf, recordsOfReturn } from '../records/repository.js';
import { queueNearMatches, relinkCases } from '../cases/relink.js';
import * as repo from './repository.js';
import { fail, type Result } from '../lib/result.js';
import { agreementNeeded } from '../agreements/service.js';

/** Who signs a return: a signed-in user, or the recipient of a reminder email using its nil-return link. */
export interface Signer {
  id: number | null;
  email: string;
  via?: string;
}

/** Why a return could not be signed. */
export type SignReason =
  | 'not_found'
  | 'too_early'
  | 'agreement_needed'
  | 'locked'
  | 'already_submitted'
  | 'has_records'
  | 'no_records'
  | 'incomplete';

export type ActionResult = Result<{ reference: string }, SignReason>;

export async function signReturn(
  trx: Transaction<DB>,
  now: Date,
  today: IsoDate,
  publicUrl: string,
  input: {
    organisation: Organisation;
    period: string;
    deadline: IsoDate;
    signer: Signer;
    kind: 'submit' | 'nil';
    /**
     * A nil return over a never-submitted return's drafts withdraws them as entered in error, when the
     * signer saw exactly this many (a draft added meanwhile stops it).
     */
    discardDrafts?: number;
  },
): Promise<ActionResult> {
  const { organisation, period, kind } = input;
  const user = input.signer;
  // Who signed, as the audit log shows it: by email link, the link is named.
  const actor = { userId: user.id, label: user.via ? `${user.email} (${user.via})` : user.email };
  if (!canSubmitOn(period, today)) return fail('too_early');
  // An organisation submits nothing until it has accepted the data-sharing agreement in force.
  if (await agreementNeeded(trx, organisation.id, today)) return fail('agreement_needed');

  {
    const row = await repo.lockReturn(trx, organisation.id, period, now);
    if (row.locked_at) return fail('locked');
    if (row.state === 'submitted' || row.state === 'nil') return fail('already_submitted');
    let records = await recordsOfReturn(trx, row.id);
    let active = records.filter((r) => r.record_status === 'active');
    if (kind === 'nil' && active.length > 0) {
      if (row.first_submitted_at || input.discardDrafts !== active.length) return fail('has_records');
      const ids = active.map((r) => r.id);
      await repo.discardDrafts(trx, ids, now);
      await audit(trx, {
        actor,
        organisationId: organisation.id,
        action: 'drafts_discarded',
        entity: 'return',
        entityId: row.id,
        detail: { period, records: ids.length },
        at: now,
      });
      records = await recordsOfReturn(trx, row.id);
      active = [];
    }
    if (kind === 'submit' && active.length === 0) return fail('no_records');
    const context = { today, periodEnd: lastDayOf(period) };
    if (active.some((record) => completenessErrors(recordDataOf(record), context).length > 0))
      return fail('incomplete');

    const version = row.current_version + 1;
    const reopened = row.state === 'reopened';
    const reference = `DRD-${period}-${organisation.code}-${version}`;
    // Lateness is decided by the first submission; an amendment does not make an on-time return late.
    const late = row.first_submitted_at ? row.submitted_late : today > input.deadline;
    await repo.markSigned(trx, row.id, {
      state: kind === 'nil' ? 'nil' : 'submitted',
      submitted_late: late,
      current_version: version,
      reference,
      first_submitted_at: row.first_submitted_at ?? now,
      last_submitted_at: now,
      updated_at: now,
    });
    const submission = await repo.insertSubmission(trx, {
      return_id: row.id,
      version,
      kind: reopened ? 'amend' : kind,
      reason: reopened ? row.amendment_reason : null,
      reason_text: reopened ? row.amendment_text : null,
      signed_by: user.id,
      signed_by_email: user.email,
      signed_via: user.via ?? null,
      signed_at: now,
      record_count: active.length,
    });
    // Every submitted version of every record is kept, so CCSU can see what changed between versions.
    await repo.insertRecordVersions(
      trx,
      records.map((record) => ({
        record_id: record.id,
        submission_id: submission.id,
        snapshot: JSON.stringify({
          ...recordDataOf(record),
          record_status: record.record_status,
          withdrawn_reason: record.withdrawn_reason,
          has_match_key_nhs: record.match_key_nhs !== null,
          has_match_key_demo: record.match_key_demo !== null,
        }),
      })),
    );
    // The return's records join (or leave) their cases, and new near matches wait for review.
    await relinkCases(
      trx,
      records.map((r) => r.id),
    );
    await queueNearMatches(
      trx,
      active.map((r) => r.id),
      now,
    );
    const action = reopened ? 'return_amended' : kind === 'nil' ? 'nil_return' : 'return_submitted';
    await audit(trx, {
      actor,
      organisationId: organisation.id,
      action,
      entity: 'return',
      entityId: row.id,
      detail: { period, version, reference, records: active.length, late },
      at: now,
    });
    await queueReceipt(trx, publicUrl, {
      organisation,
      period,
      user,
      reference,
      version,
      kind,
      reopened,
      records: active.length,
      late,
      deadline: input.deadline,
      now,
    });
    return { ok: true as const, reference };
  }
}

async function queueReceipt(
  trx: DbOrTrx,
  publicUrl: string,
  r: {
    organisation: Organisation;
    period: string;
    user: Signer;
    reference: string;
    version: number;
    kind: 'submit' | 'nil';
    reopened: boolean;
    records: number;
    late: boolean;
    deadline: IsoDate;
    now: Date;
  },
): Promise<void> {
  const what = r.reopened ? 'Amended return' : r.kind === 'nil' ? 'Nil return' : 'Return';
  const content = await renderEmail('receipt', {
    what,
    organisationName: r.organisation.name,
    month: formatPeriod(r.period),
    reference: r.reference,
    records: r.records,
    nil: r.kind === 'nil',
    signedBy: r.user.email,
    deadline: formatDate(r.deadline),
    late: r.late,
    link: `${publicUrl}/returns/${r.period}`,
  });
  const to = [...new Set([r.user.email, ...r.organisation.return_contacts])];
  await enqueue(
    trx,
    {
      idempotencyKey: `receipt:${r.reference}`,
      to,
      subject: `${what} received: ${formatPeriod(r.period)} (${r.reference})`,
      ...content,
    },
    r.now,
  );
}
