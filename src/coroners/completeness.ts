// Is the return working? Of the deaths the coroner found drug- or alcohol-related, how many partners had
// reported, how early, and first by whom; the partner cases the audit has not confirmed; and a
// two-source capture–recapture estimate of the total. Pure: the service fetches, this counts.
import { chapman, type Chapman } from '../domain/capture-recapture.js';
import { daysBetween, median } from '../domain/periods.js';
import type { InquestLinks } from './repository.js';

export type LinkHow = 'key' | 'analyst' | 'conflict' | 'none';

/** How an inquest links to the cases: one case by key, else one by an analyst's decision; a key shared
 * with records of two cases is a conflict, left for an analyst and never used to merge them. */
export function linkOf(inquest: Pick<InquestLinks, 'key_cases' | 'decided_cases'>): {
  how: LinkHow;
  caseId: number | null;
} {
  const keyed = inquest.key_cases ?? [];
  if (keyed.length === 1) return { how: 'key', caseId: keyed[0]! };
  if (keyed.length > 1) return { how: 'conflict', caseId: null };
  const decided = inquest.decided_cases ?? [];
  if (decided.length === 1) return { how: 'analyst', caseId: decided[0]! };
  if (decided.length > 1) return { how: 'conflict', caseId: null };
  return { how: 'none', caseId: null };
}

export const isConfirmed = (i: Pick<InquestLinks, 'drug_related' | 'alcohol_related'>) =>
  i.drug_related || i.alcohol_related;

export interface CaseReporting {
  firstAware: string | null;
  firstType: string;
  nonCoroner: boolean;
}

export interface PartnerCase {
  case_id: number;
  death_month: string | null;
  evidence_stage: string | null;
  organisation_types: string[];
}

export interface YearCompleteness {
  year: number;
  /** Inquests the coroner found drug- or alcohol-related (deaths in the year). */
  confirmed: number;
  /** Of those, how many partners had reported. */
  reported: number;
  /** Days from a partner first knowing to the inquest, for reported deaths with an inquest date. */
  daysBeforeInquest: { median: number | null; min: number | null; max: number | null; n: number };
  firstReportedBy: Record<string, number>;
  /** Partner cases with no drug- or alcohol-related inquest (yet), by evidence stage. */
  notConfirmedByStage: Record<string, number>;
  notConfirmed: number;
  /** The two lists compared: the audit (n1), cases reported by any organisation but the coroner (n2). */
  capture: { n1: number; n2: number; m: number; chapman: Chapman | null };
}

/**
 * Days from a partner first knowing of each linked death to its inquest, where both dates are known:
 * one rule for the completeness page and the summary email.
 */
export function daysBeforeInquest(
  linked: { caseId: number; inquestDate: string | null }[],
  reporting: Map<number, Pick<CaseReporting, 'firstAware'>>,
): number[] {
  return linked.flatMap(({ caseId, inquestDate }) => {
    const aware = reporting.get(caseId)?.firstAware;
    return aware && inquestDate ? [daysBetween(aware, inquestDate)] : [];
  });
}

export function completenessByYear(
  inquests: InquestLinks[],
  reporting: Map<number, CaseReporting>,
  cases: PartnerCase[],
): YearCompleteness[] {
  const years = [...new Set(inquests.map((i) => Number(i.date_of_death.slice(0, 4))))].sort();
  return years.map((year) => {
    const inYear = inquests.filter((i) => Number(i.date_of_death.slice(0, 4)) === year);
    const linked = inYear.map((i) => ({ inquest: i, ...linkOf(i) }));
    const confirmed = linked.filter((l) => isConfirmed(l.inquest));
    const reported = confirmed.filter((l) => l.caseId !== null);
    const gaps = daysBeforeInquest(
      reported.map((l) => ({ caseId: l.caseId!, inquestDate: l.inquest.inquest_date })),
      reporting,
    );
    const firstReportedBy: Record<string, number> = {};
    for (const l of reported) {
      const type = reporting.get(l.caseId!)?.firstType ?? 'unknown';
      firstReportedBy[type] = (firstReportedBy[type] ?? 0) + 1;
    }
    // Cases confirmed by the audit, and cases the audit found not drug- or alcohol-related.
    const confirmedCases = new Set(confirmed.flatMap((l) => (l.caseId === null ? [] : [l.caseId])));
    const ruledOut = new Set(
      linked.filter((l) => !isConfirmed(l.inquest) && l.caseId !== null).map((l) => l.caseId!),
    );
    const partnerInYear = cases.filter((c) => c.death_month?.startsWith(`${year}-`));
    const notConfirmedByStage: Record<string, number> = {};
    let notConfirmed = 0;
    for (const c of partnerInYear)
      if (!confirmedCases.has(c.case_id) && !ruledOut.has(c.case_id)) {
        const stage = c.evidence_stage ?? 'not_recorded';
        notConfirmedByStage[stage] = (notConfirmedByStage[stage] ?? 0) + 1;
        notConfirmed += 1;
      }
    // Capture–recapture needs independent lists: the coroner's own returns are the audit's source, so the
    // partner list is the cases some other organisation reported.
    const partnerList = new Set(
      partnerInYear
        .filter((c) => c.organisation_types.some((t) => t !== 'coroner') && !ruledOut.has(c.case_id))
        .map((c) => c.case_id),
    );
    const m = confirmed.filter((l) => l.caseId !== null && partnerList.has(l.caseId)).length;
    return {
      year,
      confirmed: confirmed.length,
      reported: reported.length,
      daysBeforeInquest: {
        median: median(gaps),
        min: gaps.length ? Math.min(...gaps) : null,
        max: gaps.length ? Math.max(...gaps) : null,
        n: gaps.length,
      },
      firstReportedBy,
      notConfirmedByStage,
      notConfirmed,
      capture: {
        n1: confirmed.length,
        n2: partnerList.size,
        m,
        chapman: chapman(confirmed.length, partnerList.size, m),
      },
    };
  });
}
