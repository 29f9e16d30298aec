// Agreements and acceptances: plain functions taking `db | trx`.
import type { Insertable } from 'kysely';
import type { DbOrTrx } from '../db/database.js';
import type { AgreementAcceptancesTable, AgreementsTable } from '../db/types.js';
import type { IsoDate } from '../domain/periods.js';

/** The version in force on `today`: the latest effective one (ties: the latest published). */
export function currentAgreement(db: DbOrTrx, today: IsoDate) {
  return db
    .selectFrom('agreements')
    .selectAll()
    .where('effective_from', '<=', today)
    .orderBy('effective_from', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The version in force and the organisation's acceptance of it, in one query (partner pages ask often). */
export async function currentWithAcceptance(db: DbOrTrx, today: IsoDate, organisationId: number) {
  const row = await db
    .selectFrom('agreements as g')
    .leftJoin('agreement_acceptances as a', (join) =>
      join.onRef('a.agreement_id', '=', 'g.id').on('a.organisation_id', '=', organisationId),
    )
    .selectAll('g')
    .select(['a.id as acceptance_id', 'a.user_id', 'a.accepter_name', 'a.job_title', 'a.accepted_at'])
    .where('g.effective_from', '<=', today)
    .orderBy('g.effective_from', 'desc')
    .orderBy('g.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return { agreement: undefined, acceptance: undefined };
  const { acceptance_id, user_id, accepter_name, job_title, accepted_at, ...agreement } = row;
  const acceptance =
    acceptance_id !== null && accepter_name !== null && job_title !== null && accepted_at !== null
      ? { id: acceptance_id, user_id, accepter_name, job_title, accepted_at }
      : undefined;
  return { agreement, acceptance };
}

export function listAgreements(db: DbOrTrx) {
  return db
    .selectFrom('agreements')
    .selectAll()
    .orderBy('effective_from', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

export function findAgreement(db: DbOrTrx, id: number) {
  return db.selectFrom('agreements').selectAll().where('id', '=', id).executeTakeFirst();
}

export function acceptanceOf(db: DbOrTrx, agreementId: number, organisationId: number) {
  return db
    .selectFrom('agreement_acceptances')
    .selectAll()
    .where('agreement_id', '=', agreementId)
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
}

/** Every organisation with its acceptance of one version (if any), for CCSU's overview. */
export function acceptancesOf(db: DbOrTrx, agreementId: number) {
  return db
    .selectFrom('organisations as o')
    .leftJoin('agreement_acceptances as a', (join) =>
      join.onRef('a.organisation_id', '=', 'o.id').on('a.agreement_id', '=', agreementId),
    )
    .select([
      'o.id as organisation_id',
      'o.name as organisation_name',
      'o.active_to',
      'a.accepter_name',
      'a.job_title',
      'a.accepted_at',
    ])
    .orderBy('o.name')
    .execute();
}

/** The addresses of an organisation's active return leads: who can accept for it. */
export async function returnLeadsOf(db: DbOrTrx, organisationId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('users')
    .select('email')
    .where('organisation_id', '=', organisationId)
    .where('return_lead', '=', true)
    .where('status', '=', 'active')
    .orderBy('email')
    .execute();
  return rows.map((r) => r.email);
}

/** A new version; undefined when that version number is taken. */
export function insertAgreement(trx: DbOrTrx, agreement: Insertable<AgreementsTable>) {
  return trx
    .insertInto('agreements')
    .values(agreement)
    .onConflict((oc) => oc.column('version').doNothing())
    .returning('id')
    .executeTakeFirst();
}

/** An organisation's acceptance of a version; undefined when it had accepted that version already. */
export function insertAcceptance(trx: DbOrTrx, acceptance: Insertable<AgreementAcceptancesTable>) {
  return trx
    .insertInto('agreement_acceptances')
    .values(acceptance)
    .onConflict((oc) => oc.constraint('agreement_acceptances_once').doNothing())
    .returning('id')
    .executeTakeFirst();
}
