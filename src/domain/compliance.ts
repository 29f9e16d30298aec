// Compliance: which organisations owe a return for a month, and how each return counts. The one rule
// every page, email, feed, reminder and scorecard uses (they used to disagree: a late return reopened
// for an amendment counted as on time in some places and late in others).
import { addMonths, periodOf, type IsoDate, type Period } from './periods.js';
import { returnStatus, statusLabels, type ReturnState, type ReturnStatus } from './status.js';

export interface ActiveSpan {
  active_from: Period;
  active_to: Period | null;
}

/** An organisation owes a return for every month from its active-from month to its active-to month. */
export function isActiveIn(organisation: ActiveSpan, period: Period): boolean {
  return organisation.active_from <= period && (!organisation.active_to || organisation.active_to >= period);
}

/** The latest month whose returns can be counted: the month before today's (a month still open has none). */
export function latestDuePeriod(today: IsoDate): Period {
  return addMonths(periodOf(today), -1);
}

/**
 * How a return counts: received on time or late (a return or a nil return), or not received — overdue
 * once the deadline has passed, otherwise not yet due. A return reopened for an amendment was received:
 * it counts by when it was first received, never as on time because it is open again.
 */
export type ComplianceBucket = 'on_time' | 'late' | 'nil' | 'nil_late' | 'overdue' | 'not_yet_due';

export const receivedBuckets: readonly ComplianceBucket[] = ['on_time', 'late', 'nil', 'nil_late'];

export function complianceBucket(status: ReturnStatus, submittedLate: boolean): ComplianceBucket {
  switch (status) {
    case 'submitted':
      return 'on_time';
    case 'submitted_late':
      return 'late';
    case 'nil':
      return 'nil';
    case 'nil_late':
      return 'nil_late';
    case 'reopened':
      return submittedLate ? 'late' : 'on_time';
    case 'overdue':
      return 'overdue';
    default:
      return 'not_yet_due';
  }
}

export function isReceived(bucket: ComplianceBucket): boolean {
  return receivedBuckets.includes(bucket);
}

export function isLate(bucket: ComplianceBucket): boolean {
  return bucket === 'late' || bucket === 'nil_late';
}

/** A month's return as the compliance rule sees it. */
export interface MonthCompliance {
  status: ReturnStatus;
  bucket: ComplianceBucket;
}

export function monthCompliance(facts: {
  state: ReturnState | null;
  submittedLate: boolean;
  deadline: IsoDate;
  today: IsoDate;
}): MonthCompliance {
  const status = returnStatus(facts);
  return { status, bucket: complianceBucket(status, facts.submittedLate) };
}

/** What each bucket is called on pages and in the summary email. */
export const complianceLabels: Record<ComplianceBucket, string> = {
  on_time: 'Returned on time',
  late: 'Returned late',
  nil: 'Nil return on time',
  nil_late: 'Nil return late',
  overdue: 'Overdue',
  not_yet_due: 'Not yet due',
};

/** Each status's symbol in the compliance matrix (its label says the same in words). */
const matrixSymbols: Record<ReturnStatus, string> = {
  submitted: '✓',
  nil: '✓',
  submitted_late: '!',
  nil_late: '!',
  overdue: '✗',
  not_started: '…',
  in_progress: '…',
  reopened: '↺',
};

/**
 * A month's return as the compliance matrix and its download show it: its status, except that a late
 * return reopened for an amendment still says it was late (everything else counts it late too).
 */
export function matrixStatus(cell: MonthCompliance): { status: ReturnStatus; label: string; symbol: string } {
  if (cell.status === 'reopened' && isLate(cell.bucket))
    return { status: 'submitted_late', label: 'Returned late; amendment in progress', symbol: '!↺' };
  if (cell.status === 'reopened')
    return { status: 'reopened', label: 'Returned on time; amendment in progress', symbol: '↺' };
  return { status: cell.status, label: statusLabels[cell.status], symbol: matrixSymbols[cell.status] };
}
