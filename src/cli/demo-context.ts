// The demo's context data (seed:demo): populations, ambulance call-outs, hospital admissions, ONS
// registrations and two LDIS alerts, all clearly fictional and loaded through the same checks and
// services as CCSU's own files, so the partnership picture has something to show.
import type { Db } from '../db/database.js';
import type { Services } from '../services.js';
import { addMonths, firstDayOf, type Period } from '../domain/periods.js';
import { datasetOf } from '../context/datasets.js';

const SOURCE = 'Fictional demo figures (not real data)';
const actor = { userId: null, label: 'seed:demo' };

export async function seedDemoContext(
  db: Db,
  services: Services,
  firstPeriod: Period,
  currentPeriod: Period,
  between: (min: number, max: number) => number,
) {
  const year = Number(currentPeriod.slice(0, 4));
  const areas = await db
    .selectFrom('areas')
    .select(['code', 'gss_code'])
    .where('gss_code', 'is not', null)
    .orderBy('ordinal')
    .execute();

  // Populations: round figures, never to be mistaken for ONS estimates.
  for (const [i, area] of areas.entries())
    for (const y of [year - 2, year - 1])
      await db
        .insertInto('area_populations')
        .values({
          area_code: area.code,
          year: y,
          population: 90_000 + i * 10_000 + (y - year + 2) * 1_000,
          source: 'Fictional demo figures (not ONS estimates)',
          loaded_by: 'seed:demo',
          loaded_at: new Date(),
        })
        .onConflict((oc) => oc.doNothing())
        .execute();

  const months: Period[] = [];
  for (let p = firstPeriod; p < currentPeriod; p = addMonths(p, 1)) months.push(p);
  const load = async (dataset: string, lines: string[]) => {
    const received = await services.context.receive(
      datasetOf(dataset)!,
      Buffer.from(lines.join('\n')),
      { source: SOURCE, extracted_on: firstDayOf(currentPeriod), notes: null },
      actor,
    );
    if (!received.ok) throw new Error(`Demo ${dataset} file: ${received.problems.join('; ')}`);
    await services.context.confirm(datasetOf(dataset)!, received.loadId, actor);
  };

  await load('ambulance', [
    'gss_code,month,count',
    ...months.flatMap((m) => areas.map((a) => `${a.gss_code},${m},${between(4, 30)}`)),
  ]);
  // Hospital admissions come by quarter: whole quarters only.
  const quarters = months.filter(
    (m) => ['01', '04', '07', '10'].includes(m.slice(5)) && addMonths(m, 2) < currentPeriod,
  );
  await load('hospital', [
    'gss_code,period,measure,count',
    ...quarters.flatMap((q) =>
      areas.flatMap((a) => {
        const name = `${q.slice(0, 4)}-Q${(Number(q.slice(5)) + 2) / 3}`;
        return [
          `${a.gss_code},${name},drug_poisoning,${between(5, 30)}`,
          `${a.gss_code},${name},alcohol_specific,${between(20, 80)}`,
        ];
      }),
    ),
  ]);
  await load('ons', [
    'gss_code,year,measure,count',
    ...[year - 2, year - 1].flatMap((y) =>
      areas.flatMap((a) => [
        `${a.gss_code},${y},drug_poisoning,${between(2, 12)}`,
        `${a.gss_code},${y},drug_misuse,${between(1, 9)}`,
        `${a.gss_code},${y},alcohol_specific,${between(5, 20)}`,
      ]),
    ),
  ]);

  for (const [i, alert] of [
    { title: 'Nitazenes found in street heroin (demo)', substances: ['nitazene', 'heroin_morphine'] },
    { title: 'Xylazine in a seized sample (demo)', substances: ['xylazine'] },
  ].entries())
    await services.ldis.create(
      {
        reference: `DEMO/${year}/${String(i + 1).padStart(3, '0')}`,
        title: alert.title,
        issued_on: `${addMonths(currentPeriod, -3 - 4 * i)}-14`,
        substances: alert.substances,
        areas: [],
        severity: i === 0 ? 'urgent' : 'warning',
        link: null,
      },
      actor,
    );
}
