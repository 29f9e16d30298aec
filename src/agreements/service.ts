// Data-sharing agreements: CCSU publishes each version; an organisation's return lead accepts the one in
// force for the organisation before it can submit. Everything is audited.
import type { Clock } from '../clock.js';
import type { Db, DbOrTrx } from '../db/database.js';
import type { Organisation, User } from '../db/types.js';
import { actorOf, audit, type Actor } from '../audit/audit.js';
import { londonDateOf, type IsoDate } from '../domain/periods.js';
import * as repo from './repository.js';
import { can } from '../domain/permissions.js';
import { ShortCache } from '../lib/short-cache.js';

export interface AgreementStatus {
  agreement: Awaited<ReturnType<typeof repo.currentWithAcceptance>>['agreement'];
  acceptance: Awaited<ReturnType<typeof repo.currentWithAcceptance>>['acceptance'];
  /** True when a version is in force and the organisation has not accepted it: no submitting yet. */
  needed: boolean;
  /** Who can accept for the organisation. */
  leads: string[];
}

/**
 * Whether the organisation must accept the version in force on `today` before it can submit, read in the
 * caller's transaction (signing checks it under the return's lock; a reminder's nil link before showing).
 */
export async function agreementNeeded(
  trx: DbOrTrx,
  organisationId: number,
  today: IsoDate,
): Promise<boolean> {
  const agreement = await repo.currentAgreement(trx, today);
  return agreement !== undefined && !(await repo.acceptanceOf(trx, agreement.id, organisationId));
}

export type AcceptResult = 'accepted' | 'already_accepted' | 'no_agreement' | 'not_return_lead';

export class AgreementsService {
  private readonly statuses = new ShortCache<number, AgreementStatus>();
  private statusesDay = '';

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  private today() {
    return londonDateOf(this.clock.now());
  }

  current() {
    return repo.currentAgreement(this.db, this.today());
  }

  /**
   * Whether the organisation must accept the version in force before it can submit. Every partner
   * page that can submit shows it, so it is read through a short cache (signing checks afresh in its
   * own transaction).
   */
  statusFor(organisation: Pick<Organisation, 'id'>): Promise<AgreementStatus> {
    // One entry an organisation; a new day may bring a new version into force, so it reads afresh.
    const today = this.today();
    if (today !== this.statusesDay) {
      this.statuses.changed();
      this.statusesDay = today;
    }
    return this.statuses.get(organisation.id, async () => {
      const { agreement, acceptance } = await repo.currentWithAcceptance(this.db, today, organisation.id);
      const needed = agreement !== undefined && acceptance === undefined;
      return {
        agreement,
        acceptance,
        needed,
        leads: needed ? await repo.returnLeadsOf(this.db, organisation.id) : [],
      };
    });
  }

  list() {
    return repo.listAgreements(this.db);
  }

  /** Every organisation and whether (and by whom) it accepted a version. */
  async overview(agreementId: number) {
    const agreement = await repo.findAgreement(this.db, agreementId);
    if (!agreement) return undefined;
    return { agreement, organisations: await repo.acceptancesOf(this.db, agreement.id) };
  }

  async publish(
    input: {
      version: string;
      title: string;
      body: string | null;
      link: string | null;
      effective_from: string;
    },
    actor: Actor,
  ): Promise<'published' | 'version_exists'> {
    const now = this.clock.now();
    const result = await this.db.transaction().execute(async (trx) => {
      const inserted = await repo.insertAgreement(trx, {
        ...input,
        published_by: actor.label,
        published_at: now,
      });
      if (!inserted) return 'version_exists' as const;
      await audit(trx, {
        actor,
        organisationId: null,
        action: 'agreement_published',
        entity: 'agreement',
        entityId: inserted.id,
        detail: { version: input.version, effective_from: input.effective_from },
        at: now,
      });
      return 'published' as const;
    });
    // Seen on this instance's next page at once; on others' within the short cache's two seconds.
    this.statuses.changed();
    return result;
  }

  /** The organisation's return lead accepts the version in force, for the organisation. */
  async accept(
    organisation: Organisation,
    user: User,
    signature: { accepter_name: string; job_title: string },
  ): Promise<AcceptResult> {
    if (!can(user, 'manage_own_organisation') || user.organisation_id !== organisation.id)
      return 'not_return_lead';
    const agreement = await this.current();
    if (!agreement) return 'no_agreement';
    const now = this.clock.now();
    const result = await this.db.transaction().execute(async (trx) => {
      const inserted = await repo.insertAcceptance(trx, {
        agreement_id: agreement.id,
        organisation_id: organisation.id,
        user_id: user.id,
        accepter_name: signature.accepter_name,
        job_title: signature.job_title,
        accepted_at: now,
      });
      if (!inserted) return 'already_accepted' as const;
      await audit(trx, {
        actor: actorOf(user),
        organisationId: organisation.id,
        action: 'agreement_accepted',
        entity: 'agreement',
        entityId: agreement.id,
        detail: { version: agreement.version, job_title: signature.job_title },
        at: now,
      });
      return 'accepted' as const;
    });
    // Seen on this instance's next page at once; on others' within the short cache's two seconds.
    this.statuses.changed();
    return result;
  }
}
