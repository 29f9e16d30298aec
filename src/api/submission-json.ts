// How the submission API speaks: who a key acts as, the JSON of returns, deaths and questions, and
// the problems each failure becomes (api/submission.ts uses them).
import type { Organisation, RecordRow } from '../db/types.js';
import type { Actor } from '../audit/audit.js';
import type { FieldError } from '../domain/field-error.js';
import type { QueriesService } from '../collation/queries.js';
import type { ReturnSummary } from '../returns/service.js';
import { recordDataOf } from '../records/repository.js';
import type { Answer } from './idempotency.js';
import { problemOf, type ProblemType } from './problems.js';

export interface SubmitKey {
  id: number;
  name: string;
  createdBy: string;
  organisation: Organisation;
}

/** Who acts, as the audit log shows it: the key by name, and the person who created it. */
export const actorOf = (k: SubmitKey): Actor => ({
  userId: null,
  label: `the “${k.name}” key, created by ${k.createdBy}`,
});

export const problem = (kind: ProblemType, extra: Parameters<typeof problemOf>[1] = {}): Answer => {
  const body = problemOf(kind, extra);
  return { status: body.status, body };
};

/** The form's messages, each with a JSON pointer to its field. */
export const invalid = (errors: FieldError[]): Answer =>
  problem('invalid-request', {
    detail: 'Some answers are not valid: see errors',
    errors: errors.map((e) => ({ pointer: `/${e.field}`, detail: e.message })),
  });

export const signReasons: Record<string, ProblemType> = {
  not_found: 'not-found',
  too_early: 'too-early',
  agreement_needed: 'agreement-needed',
  locked: 'locked',
  already_submitted: 'already-submitted',
  has_records: 'has-records',
  no_records: 'no-records',
  incomplete: 'incomplete',
};

export function summaryJson(s: ReturnSummary) {
  return {
    period: s.period,
    status: s.status,
    deadline: s.deadline,
    submittable_from: s.submittableFrom,
    locked: s.locked,
    deaths: s.recordCount,
    reference: s.row?.reference ?? null,
  };
}

export function recordJson(row: RecordRow) {
  return {
    id: row.id,
    status: row.record_status as 'active' | 'withdrawn',
    withdrawn_reason: row.withdrawn_reason,
    problems: row.completeness_problems,
    answers: recordDataOf(row),
  };
}

export const queryJson = (q: Awaited<ReturnType<QueriesService['forOrganisation']>>[number]) => ({
  id: q.id,
  record_id: q.record_id,
  reference: q.partner_record_ref,
  field: q.field,
  question: q.question,
  status: q.status as 'open' | 'answered' | 'closed',
  answer: q.answer,
  raised_at: q.raised_at.toISOString(),
});
