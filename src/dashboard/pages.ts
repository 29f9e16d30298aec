// The dashboard's pages and the figures on each: a table, so a new page is one line here.
export interface DashboardPage {
  slug: string;
  title: string;
  /** What the page counts, when not cases. */
  about?: string;
  figures: FigureId[];
  /** Shown to CCSU roles only: about organisations, not deaths. */
  ccsuOnly?: boolean;
}

export const dashboardPages: DashboardPage[] = [
  { slug: '', title: 'Cases by month', figures: ['death_month', 'reported_month'] },
  { slug: 'areas', title: 'Area of residence', figures: ['residence_area'] },
  { slug: 'classification', title: 'Classification', figures: ['death_classification'] },
  { slug: 'substances', title: 'Substances', figures: ['substance_group', 'substance'] },
  { slug: 'age-sex', title: 'Age and sex', figures: ['age_sex'] },
  { slug: 'circumstances', title: 'Place and evidence', figures: ['place_of_death_type', 'evidence_stage'] },
  {
    slug: 'picture',
    title: 'Partnership picture',
    figures: [],
    about:
      'Deaths reported by partners beside ambulance call-outs, hospital admissions, ONS registrations and LDIS alerts.',
  },
  {
    slug: 'completeness',
    title: 'Completeness',
    figures: [],
    about:
      'How many of the deaths the coroner found drug- or alcohol-related partners had reported, and how early.',
  },
  {
    slug: 'briefing',
    title: 'JSNA briefing',
    figures: [],
    about: 'A year’s figures for publication, ready to print.',
  },
  {
    slug: 'rag-update',
    title: 'Monthly update section',
    figures: [],
    ccsuOnly: true,
    about: 'The drug-related deaths paragraph and table for the partnership’s monthly RAG update.',
  },
  {
    slug: 'compliance',
    title: 'Compliance',
    figures: ['compliance'],
    ccsuOnly: true,
    about: 'Returns due from each partner organisation, by whether they came in by the deadline.',
  },
  {
    slug: 'reminders',
    title: 'Reminders and scorecard',
    figures: [],
    ccsuOnly: true,
    about: 'How partner organisations respond to reminders, and how their returns have come in.',
  },
];

export type FigureId =
  | 'death_month'
  | 'reported_month'
  | 'residence_area'
  | 'death_classification'
  | 'substance_group'
  | 'substance'
  | 'age_sex'
  | 'place_of_death_type'
  | 'evidence_stage'
  | 'compliance';
