// The columns of the CCSU's CSV and Excel downloads: codes with their labels beside them.
import * as ref from '../domain/reference.js';
import { fieldDefs } from '../records/fields.js';
import type { Column } from '../lib/exports.js';

export const recordColumns: Column<Record<string, unknown>>[] = [
  { header: 'organisation', value: (r) => r.organisation_name as string },
  { header: 'organisation_code', value: (r) => r.organisation_code as string },
  { header: 'return_period', value: (r) => r.period as string },
  { header: 'record_id', value: (r) => r.id as number },
  ...fieldDefs.flatMap((f): Column<Record<string, unknown>>[] => {
    const raw = (r: Record<string, unknown>) => {
      const v = r[f.name];
      return Array.isArray(v)
        ? v.join(';')
        : v === null || v === undefined
          ? null
          : typeof v === 'boolean'
            ? String(v)
            : (v as string | number);
    };
    if (f.kind === 'date') return [{ header: f.name, value: raw, kind: 'date' }];
    if (f.kind === 'boolean') return [{ header: f.name, value: raw, kind: 'boolean' }];
    if (f.kind !== 'code' && f.kind !== 'codes') return [{ header: f.name, value: raw }];
    const label = (r: Record<string, unknown>) => {
      const v = r[f.name];
      const codes = Array.isArray(v) ? v : v ? [v as string] : [];
      return codes.map((c) => ref.labelOf(f.options, c)).join('; ') || null;
    };
    return [
      { header: f.name, value: raw },
      { header: `${f.name}_label`, value: label },
    ];
  }),
  { header: 'record_status', value: (r) => r.record_status as string },
  { header: 'has_nhs_key', value: (r) => (r.match_key_nhs ? 'yes' : 'no'), kind: 'boolean' },
  { header: 'has_demographic_key', value: (r) => (r.match_key_demo ? 'yes' : 'no'), kind: 'boolean' },
];

export const caseColumns: Column<Record<string, unknown>>[] = [
  { header: 'case_id', value: (r) => r.case_id as number },
  { header: 'source_records', value: (r) => Number(r.source_records) },
  { header: 'first_reported', value: (r) => r.first_reported as string, kind: 'date' },
  { header: 'date_of_death', value: (r) => r.date_of_death as string, kind: 'date' },
  { header: 'residence_area', value: (r) => r.residence_area as string },
  { header: 'residence_area_label', value: (r) => ref.labelOf(ref.areas, r.residence_area as string) },
  { header: 'death_classification', value: (r) => r.death_classification as string },
  {
    header: 'death_classification_label',
    value: (r) => ref.labelOf(ref.deathClassifications, r.death_classification as string),
  },
  { header: 'evidence_stage', value: (r) => r.evidence_stage as string },
  {
    header: 'evidence_stage_label',
    value: (r) => ref.labelOf(ref.evidenceStages, r.evidence_stage as string),
  },
  { header: 'substances', value: (r) => (r.substances as string[]).join(';') },
  {
    header: 'substances_label',
    value: (r) => (r.substances as string[]).map((c) => ref.labelOf(ref.substances, c)).join('; '),
  },
  { header: 'age_at_death', value: (r) => r.age_at_death as number | null },
  { header: 'sex', value: (r) => r.sex as string },
  { header: 'sex_label', value: (r) => ref.labelOf(ref.sexes, r.sex as string) },
  { header: 'best_evidenced_source', value: (r) => r.best_source as string },
];
export const complianceColumns: Column<{
  organisation: string;
  type: string;
  period: string;
  status: string;
  deadline: string;
  submitted: string;
  version: number;
  records: number;
}>[] = [
  { header: 'organisation', value: (r) => r.organisation },
  { header: 'type', value: (r) => r.type },
  { header: 'period', value: (r) => r.period },
  { header: 'status', value: (r) => r.status },
  { header: 'deadline', value: (r) => r.deadline, kind: 'date' },
  { header: 'submitted_at', value: (r) => r.submitted, kind: 'datetime' },
  { header: 'version', value: (r) => r.version },
  { header: 'records', value: (r) => r.records },
];
