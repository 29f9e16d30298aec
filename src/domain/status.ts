// Return statuses and their RAG rating (product spec §2). Pure: today and the deadline are passed in.
import type { IsoDate } from './periods.js';

/** What is stored about a return; "not started" and "overdue" are derived from time. */
export type ReturnState = 'in_progress' | 'submitted' | 'nil' | 'reopened';

export type ReturnStatus =
  | 'not_started'
  | 'in_progress'
  | 'submitted'
  | 'submitted_late'
  | 'nil'
  | 'nil_late'
  | 'overdue'
  | 'reopened';

export type Rag = 'green' | 'amber' | 'red';

export interface ReturnFacts {
  state: ReturnState | null;
  submittedLate: boolean;
  deadline: IsoDate;
  today: IsoDate;
}

export function returnStatus({ state, submittedLate, deadline, today }: ReturnFacts): ReturnStatus {
  if (state === 'submitted') return submittedLate ? 'submitted_late' : 'submitted';
  if (state === 'nil') return submittedLate ? 'nil_late' : 'nil';
  if (state === 'reopened') return 'reopened';
  if (today > deadline) return 'overdue';
  return state === 'in_progress' ? 'in_progress' : 'not_started';
}

export function ragOf(status: ReturnStatus): Rag {
  switch (status) {
    case 'submitted':
    case 'nil':
      return 'green';
    case 'overdue':
      return 'red';
    default:
      return 'amber';
  }
}

export const statusLabels: Record<ReturnStatus, string> = {
  not_started: 'Not started',
  in_progress: 'In progress',
  submitted: 'Submitted',
  submitted_late: 'Submitted late',
  nil: 'Nil return',
  nil_late: 'Nil return (late)',
  overdue: 'Overdue',
  reopened: 'Amendment in progress',
};

/**
 * GOV.UK tag colour per status, within its RAG rating: amber's two meanings — not yet due, and late —
 * read differently (grey and orange), as do drafts (blue) and amendments (purple). The label text always
 * carries the meaning too.
 */
export const statusTagClass: Record<ReturnStatus, string> = {
  submitted: 'govuk-tag--green',
  nil: 'govuk-tag--green',
  submitted_late: 'govuk-tag--orange',
  nil_late: 'govuk-tag--orange',
  overdue: 'govuk-tag--red',
  not_started: 'govuk-tag--grey',
  in_progress: 'govuk-tag--blue',
  reopened: 'govuk-tag--purple',
};

export function isDone(status: ReturnStatus): boolean {
  return status === 'submitted' || status === 'submitted_late' || status === 'nil' || status === 'nil_late';
}
