// The dashboard's filters, read from the URL so a view can be bookmarked and shared. The same schema
// reads the feed's query string.
import { z } from 'zod';
import { addMonths, isPeriod, periodsBetween, type Period } from '../domain/periods.js';
import { areas, codesOf, deathClassifications, organisationTypes } from '../domain/reference.js';
import type { FieldError } from '../domain/field-error.js';

export const MAX_MONTHS = 120;

/** A partner's filter by a kind of organisation with too few organisations to hide which one reported. */
export const tooFewMessage = (min: number) =>
  `Reporting by this kind of organisation is not shown: fewer than ${min} organisations of that kind make returns`;

export interface DashboardFilters {
  from: Period;
  to: Period;
  area?: string;
  classification?: string;
  organisationType?: string;
}

const month = (which: string) =>
  z
    .string()
    .trim()
    .refine((v) => v === '' || isPeriod(v), `Enter the ${which} month as a year and month, like 2026-01`)
    .optional();
const optionalCode = (codes: readonly string[], message: string) =>
  z
    .string()
    .trim()
    .refine((v) => v === '' || codes.includes(v), message)
    .optional();

export const filtersQuerySchema = z.object({
  from: month('start'),
  to: month('end'),
  area: optionalCode(codesOf(areas), 'Choose an area from the list'),
  classification: optionalCode(codesOf(deathClassifications), 'Choose a classification from the list'),
  organisation_type: optionalCode(codesOf(organisationTypes), 'Choose an organisation type from the list'),
});

export type FiltersQuery = z.infer<typeof filtersQuerySchema>;

/**
 * The filters from a query string, defaulting to the twelve months to `current`. Anything wrong is
 * reported field by field and the defaults used for it, so the page still shows figures.
 */
export function readFilters(
  query: unknown,
  current: Period,
): { filters: DashboardFilters; errors: FieldError[]; query: Record<string, string> } {
  const raw = Object.fromEntries(
    Object.entries(typeof query === 'object' && query ? query : {}).filter(
      ([key, value]) => typeof value === 'string' && key in filtersQuerySchema.shape,
    ),
  ) as Record<string, string>;
  const errors: FieldError[] = [];
  const values: FiltersQuery = {};
  for (const [key, schema] of Object.entries(filtersQuerySchema.shape)) {
    const result = schema.safeParse(raw[key]);
    if (result.success) (values as Record<string, unknown>)[key] = result.data;
    else errors.push({ field: key, message: result.error.issues[0]!.message });
  }
  let to = values.to || current;
  let from = values.from || addMonths(to, -11);
  if (from > to) {
    errors.push({ field: 'to', message: 'The end month must be the same as or after the start month' });
    [from, to] = [addMonths(current, -11), current];
  } else if (periodsBetween(from, to).length > MAX_MONTHS) {
    errors.push({ field: 'from', message: `Choose a period of ${MAX_MONTHS} months or fewer` });
    from = addMonths(to, 1 - MAX_MONTHS);
  }
  const filters: DashboardFilters = { from, to };
  if (values.area) filters.area = values.area;
  if (values.classification) filters.classification = values.classification;
  if (values.organisation_type) filters.organisationType = values.organisation_type;
  return { filters, errors, query: raw };
}

/** The query string of a set of filters, for links between dashboard pages and to the feed. */
export function filtersQueryString(filters: DashboardFilters): string {
  const params = new URLSearchParams({ from: filters.from, to: filters.to });
  if (filters.area) params.set('area', filters.area);
  if (filters.classification) params.set('classification', filters.classification);
  if (filters.organisationType) params.set('organisation_type', filters.organisationType);
  return params.toString();
}
