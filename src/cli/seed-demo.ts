// npm run seed:demo: fictional organisations, users and a year of fictional returns, so a newcomer can
// explore. Everything here is made up; the shape follows Hertfordshire today (spec §10): about twenty
// partners, 8–15 suspected deaths a month county-wide, each reported by one to three partners.
import { FixedClock } from '../clock.js';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/open.js';
import { createServices } from '../services.js';
import { createMailer } from '../mail/mailer.js';
import { hashPassword } from '../accounts/secrets.js';
import { insertUser } from '../accounts/repository.js';
import { TotpKeys } from '../accounts/totp.js';
import { DEMO_TOTP_KEY } from './demo-code.js';
import { insertRecord } from '../records/repository.js';
import { recordSchema } from '../records/schema.js';
import { addDays, addMonths, deadlineOf, lastDayOf, londonDateOf, periodOf } from '../domain/periods.js';
import { nhsMatchKey } from '../domain/linkage.js';
import * as ref from '../domain/reference.js';
import { defaultReminderSchedule, reminderDates, reminderKinds } from '../domain/reminders.js';
import { runBackfills } from '../backfills.js';
import { seedDemoContext } from './demo-context.js';
import { seedDemoAudit, type DemoDeath } from './demo-audit.js';

const PASSWORD = 'demo-password-2026';

const organisations: [name: string, code: string, type: string][] = [
  ['Spectrum Recovery Hertfordshire (demo)', 'SRH', 'drug_alcohol_treatment'],
  ['New Leaf Alcohol Service (demo)', 'NLA', 'drug_alcohol_treatment'],
  ['Young Persons Substance Service (demo)', 'YPS', 'drug_alcohol_treatment'],
  ['County Constabulary (demo)', 'POL', 'police'],
  ['Eastern Ambulance Service (demo)', 'AMB', 'ambulance'],
  ['West Herts Hospital (demo)', 'WHH', 'acute_hospital'],
  ['East and North Herts Hospital (demo)', 'ENH', 'acute_hospital'],
  ['Princess Alexandra Hospital (demo)', 'PAH', 'acute_hospital'],
  ['Hertfordshire Coroner’s Office (demo)', 'COR', 'coroner'],
  ['Probation Service Hertfordshire (demo)', 'PRB', 'probation'],
  ['Herts Mental Health Partnership (demo)', 'HMH', 'mental_health'],
  ['Haven Homeless Support (demo)', 'HAV', 'housing_homelessness'],
  ['Open Door Hostels (demo)', 'ODH', 'housing_homelessness'],
  ['Local Drug Information System (demo)', 'LDIS', 'ldis'],
  ['Dacorum Housing Options (demo)', 'DHO', 'housing_homelessness'],
  ['Stevenage Outreach Team (demo)', 'SOT', 'other'],
  ['Watford Street Pastors (demo)', 'WSP', 'other'],
  ['Pharmacy Needle Exchange Network (demo)', 'PNE', 'drug_alcohol_treatment'],
];

/** A small deterministic random generator, so every demo database looks the same. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1664525 + 1013904223) % 2 ** 32;
    return state / 2 ** 32;
  };
}
const rand = random(2026);
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
const between = (min: number, max: number) => min + Math.floor(rand() * (max - min + 1));

function validNhsNumber(): string {
  for (;;) {
    const digits = Array.from({ length: 9 }, () => between(0, 9));
    const sum = digits.reduce((acc, d, i) => acc + d * (10 - i), 0);
    const check = 11 - (sum % 11);
    if (check === 10) continue;
    return [...digits, check === 11 ? 0 : check].join('');
  }
}

const config = loadConfig();
const database = await openDatabase(config, { backfill: runBackfills });
const db = database.db;
try {
  if (await db.selectFrom('organisations').select('id').where('code', '=', 'SRH').executeTakeFirst()) {
    console.log('The demo data is already loaded.');
  } else {
    const today = londonDateOf(new Date());
    const currentPeriod = periodOf(today);
    const firstPeriod = addMonths(currentPeriod, -12);
    const clock = new FixedClock(new Date());
    const services = createServices({ config, db, mailer: createMailer(undefined), clock });
    const passwordHash = await hashPassword(PASSWORD);
    const districts = ref.districts.map(([code]) => code);

    await insertUser(db, {
      email: 'admin@demo.drd.test',
      role: 'ccsu_admin',
      organisationId: null,
      passwordHash,
      active: true,
    });
    await insertUser(db, {
      email: 'analyst@demo.drd.test',
      role: 'ccsu_analyst',
      organisationId: null,
      passwordHash,
      active: true,
    });
    const orgs = [];
    for (const [name, code, type] of organisations) {
      const org = await db
        .insertInto('organisations')
        .values({
          name,
          code,
          type,
          areas:
            type === 'police' || type === 'coroner' || type === 'ambulance' || type === 'ldis'
              ? districts
              : [pick(districts), pick(districts)].filter((v, i, a) => a.indexOf(v) === i),
          active_from: firstPeriod,
          return_contacts: [`returns@${code.toLowerCase()}.demo.drd.test`],
          escalation_contact: `manager@${code.toLowerCase()}.demo.drd.test`,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const user = await insertUser(db, {
        email: `returns@${code.toLowerCase()}.demo.drd.test`,
        role: 'partner',
        organisationId: org.id,
        passwordHash,
        active: true,
      });
      orgs.push({ org, user });
    }

    // Every demo account has its second factor set up with the published demo key (npm run demo-code).
    await db
      .updateTable('users')
      .set({
        totp_secret: new TotpKeys(config.linkageSecret).encrypt(DEMO_TOTP_KEY),
        totp_enabled_at: new Date(),
      })
      .where('email', 'like', '%demo.drd.test')
      .execute();

    await seedDemoContext(db, services, firstPeriod, currentPeriod, between);

    let deathNumber = 0;
    const deaths: DemoDeath[] = [];
    // Each completed month: deaths, each known to 1–3 partners, then returns submitted on time, late or not at all.
    for (let period = firstPeriod; period < currentPeriod; period = addMonths(period, 1)) {
      const deadline = deadlineOf(period, 10);
      const reportsByOrg = new Map<number, Record<string, unknown>[]>();
      for (let d = 0; d < between(8, 15); d += 1) {
        deathNumber += 1;
        const dayOfDeath = `${period}-${String(between(1, 26)).padStart(2, '0')}`;
        const stage = pick(['reported_suspected', 'pm_awaiting_tox', 'pm_awaiting_tox', 'tox_received']);
        const substances =
          stage === 'reported_suspected' && rand() < 0.3
            ? ['unknown_awaiting_toxicology']
            : [
                ...new Set([
                  pick([
                    'heroin_morphine',
                    'methadone',
                    'cocaine',
                    'crack_cocaine',
                    'alcohol',
                    'alcohol',
                    'benzodiazepine_street',
                    'pregabalin',
                  ]),
                  ...(rand() < 0.5
                    ? [pick(['alcohol', 'cocaine', 'gabapentin', 'nitazene', 'cannabis'])]
                    : []),
                ]),
              ];
        const death = {
          date_of_death: dayOfDeath,
          date_of_death_basis: pick(['exact', 'exact', 'estimated', 'date_found']),
          date_partner_aware: addDays(dayOfDeath, between(0, 2)),
          age_at_death: String(between(19, 72)),
          sex: rand() < 0.72 ? 'male' : 'female',
          ethnic_group: pick([
            'white_british',
            'white_british',
            'white_british',
            'white_irish',
            'white_other',
            'black_caribbean',
            'asian_pakistani',
            'mixed_other',
            'not_known',
          ]),
          residence_area: rand() < 0.08 ? 'no_fixed_abode' : pick(districts),
          place_of_death_type: pick([
            'home',
            'home',
            'hostel_supported_accommodation',
            'hospital',
            'public_place',
          ]),
          death_classification:
            substances.includes('alcohol') && substances.length === 1
              ? 'suspected_alcohol'
              : pick(['suspected_drug', 'suspected_drug', 'suspected_drug_and_alcohol']),
          evidence_stage: stage,
          substances,
          treatment_status: pick([
            'in_treatment',
            'left_treatment_within_12m',
            'never_in_treatment',
            'unknown',
          ]),
          naloxone_administered: pick(['yes', 'no', 'unknown']),
          nhs: validNhsNumber(),
        };
        deaths.push(death);
        const reporters = new Set([
          pick(orgs.slice(0, 9)).org.id,
          ...(rand() < 0.6 ? [pick(orgs).org.id] : []),
          ...(rand() < 0.2 ? [pick(orgs).org.id] : []),
        ]);
        for (const orgId of reporters) {
          const list = reportsByOrg.get(orgId) ?? [];
          list.push({
            ...death,
            partner_record_ref: `DEMO-${String(deathNumber).padStart(4, '0')}-${orgId}`,
          });
          reportsByOrg.set(orgId, list);
        }
      }
      for (const { org, user } of orgs) {
        const roll = rand();
        const submittedOn =
          roll < 0.75
            ? addDays(lastDayOf(period), between(1, 12))
            : roll < 0.92
              ? addDays(deadline, between(1, 10))
              : null;
        const reports = reportsByOrg.get(org.id) ?? [];
        // The reminders the scheduler would have sent before this return came in (history only: no email).
        const dates = reminderDates(period, deadline, defaultReminderSchedule);
        const reminders = reminderKinds.filter(
          (kind) =>
            dates[kind] < today && (!submittedOn || submittedOn >= today || dates[kind] < submittedOn),
        );
        if (reminders.length)
          await db
            .insertInto('reminders')
            .values(
              reminders.map((kind) => ({
                organisation_id: org.id,
                period,
                kind,
                queued_at: new Date(`${dates[kind]}T08:00:00Z`),
                recipients: org.return_contacts,
              })),
            )
            .execute();
        if (submittedOn === null && reports.length === 0) continue; // a partner that did not return this month
        clock.set(`${submittedOn && submittedOn < today ? submittedOn : today}T10:00:00Z`);
        if (reports.length > 0) {
          const ret = await services.returns.editableReturn(db, org, period);
          const context = { today: londonDateOf(clock.now()), periodEnd: lastDayOf(period) };
          for (const report of reports) {
            const { nhs, ...fields } = report as Record<string, unknown> & { nhs: string };
            const data = recordSchema(context, 'complete').parse(fields);
            const record = await insertRecord(
              db,
              org.id,
              ret!.id,
              { ...data, partner_record_ref: data.partner_record_ref! },
              clock.now(),
            );
            if (rand() < 0.7)
              await db
                .updateTable('records')
                .set({ match_key_nhs: nhsMatchKey(config.linkageSecret, nhs) })
                .where('id', '=', record.id)
                .execute();
          }
          if (submittedOn && submittedOn < today) await services.returns.submit(org, period, user);
        } else if (submittedOn && submittedOn < today) {
          await services.returns.nilReturn(org, period, user);
        }
      }
    }
    clock.set(new Date().toISOString());
    await seedDemoAudit(services, deaths, today, rand);
    const counts = await db
      .selectFrom('records')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    console.log(
      `Loaded ${organisations.length} fictional organisations and ${counts.n} fictional records over 12 months.`,
    );
    console.log(`Sign in with password "${PASSWORD}" as:`);
    console.log('  admin@demo.drd.test      (CCSU administrator)');
    console.log('  analyst@demo.drd.test    (CCSU analyst)');
    console.log(
      '  returns@srh.demo.drd.test (a partner: Spectrum Recovery Hertfordshire), or returns@<code>.demo.drd.test for any other',
    );
    console.log(
      `Then the code from an authenticator app holding the demo key ${DEMO_TOTP_KEY}, or from "npm run demo-code".`,
    );
  }
} finally {
  await database.close();
}
