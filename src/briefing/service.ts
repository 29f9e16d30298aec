// The JSNA briefing (#15 §5): a year's key figures for Public Health — cases by area with rates, the
// trend beside ONS registrations, substances, age and sex, completeness — safe for publication: every
// figure goes through disclosure control whoever is reading, and the methods name each source with its
// extraction date.
import { standardisedForAudience } from '../areas/standardised-rates.js';
import type { Db } from '../db/database.js';
import type { DashboardService } from '../dashboard/service.js';
import type { PictureService } from '../dashboard/picture-service.js';
import type { AreasService } from '../areas/service.js';
import type { CoronersService } from '../coroners/service.js';
import { showCompleteness } from '../coroners/present.js';
import { present, type Audience } from '../dashboard/figures.js';
import { latestAuditLoad, onsLoadsCovering } from './repository.js';
import type { DashboardFilters } from '../dashboard/filters.js';

export class BriefingService {
  constructor(
    private readonly db: Db,
    private readonly dashboard: DashboardService,
    private readonly picture: PictureService,
    private readonly areas: AreasService,
    private readonly coroners: CoronersService,
    /** Kinds of organisation with fewer than this many are not named (the dashboard's type floor). */
    private readonly minPerType: number,
  ) {}

  async build(year: number) {
    // Publication: the partners' view of every figure, whoever asks.
    const audience: Audience = { exact: false, disclosure: await this.dashboard.disclosure() };
    const filters: DashboardFilters = { from: `${year}-01`, to: `${year}-12` };
    const [months, byArea, groups, ageSex, trend, completeness] = await Promise.all([
      this.dashboard.figure('death_month', filters),
      this.dashboard.figure('residence_area', filters),
      this.dashboard.figure('substance_group', filters),
      this.dashboard.figure('age_sex', filters),
      this.picture.build({ from: `${year - 4}-01`, to: `${year}-12` }, audience),
      this.coroners.completeness(),
    ]);
    const area = present(byArea, audience);
    return {
      year,
      disclosure: audience.disclosure,
      figures: {
        months: present(months, audience),
        area,
        groups: present(groups, audience),
        ageSex: present(ageSex, audience),
        trend: trend.figures.find((f) => f.id === 'picture_ons')!,
      },
      rates: await this.areas.ratesBeside(area, year),
      standardised: standardisedForAudience(
        await this.areas.standardisedRates(year),
        false,
        audience.disclosure,
      ),
      completeness:
        showCompleteness(
          completeness,
          false,
          audience.disclosure,
          await this.dashboard.typesForPartners(this.minPerType),
        ).find((y) => y.year === year) ?? null,
      sources: await this.sources(year),
    };
  }

  /**
   * The sources the briefing's figures use for its years, each load with its extraction date: the ONS
   * registrations behind the five-year trend (loads covering those years, newest first), and the
   * Coroners Audit behind completeness. Datasets the briefing does not draw (ambulance, hospital) are
   * not listed.
   */
  private async sources(year: number) {
    const from = `${year - 4}-01`;
    const to = `${year}-12`;
    const [context, audit] = await Promise.all([
      onsLoadsCovering(this.db, from, to),
      latestAuditLoad(this.db),
    ]);
    return { context, audit: audit ?? null };
  }
}
