// A partner organisation's return lead manages its own people: colleagues invited and deactivated
// within the organisation only (anyone else is "not found"), and CCSU nominates the return leads.
import type { Db } from '../db/database.js';
import type { Organisation, User } from '../db/types.js';
import { actorOf, audit, type Actor } from '../audit/audit.js';
import type { Clock } from '../clock.js';
import type { AccountsService } from './service.js';
import * as repo from './repository.js';

export type TeamResult = 'done' | 'not_found' | 'yourself' | 'exists';

export class TeamService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly accounts: AccountsService,
  ) {}

  members(organisationId: number) {
    return this.db
      .selectFrom('users')
      .select(['id', 'email', 'status', 'return_lead', 'last_sign_in_at'])
      .where('organisation_id', '=', organisationId)
      .orderBy('return_lead', 'desc')
      .orderBy('email')
      .execute();
  }

  /** A colleague invited by the return lead: always a partner user of the lead's own organisation. */
  async invite(
    lead: User,
    organisation: Organisation,
    email: string,
  ): Promise<{ result: TeamResult; link?: string }> {
    const invited = await this.accounts.invite(
      { email, role: 'partner', organisationId: organisation.id, organisationName: organisation.name },
      actorOf(lead),
    );
    return invited.ok ? { result: 'done', link: invited.link } : { result: 'exists' };
  }

  async setActive(
    lead: User,
    organisation: Organisation,
    userId: number,
    active: boolean,
  ): Promise<TeamResult> {
    const member = await repo.findUserById(this.db, userId);
    if (!member || member.organisation_id !== organisation.id) return 'not_found';
    if (member.id === lead.id) return 'yourself';
    await this.accounts.setUserActive(member.id, active, actorOf(lead));
    return 'done';
  }

  /** CCSU nominates (or stands down) a partner user as their organisation's return lead. */
  async setReturnLead(userId: number, lead: boolean, actor: Actor): Promise<User | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const user = await trx
        .updateTable('users')
        .set({ return_lead: lead })
        .where('id', '=', userId)
        .where('role', '=', 'partner')
        .returningAll()
        .executeTakeFirst();
      if (!user) return undefined;
      await audit(trx, {
        actor,
        organisationId: user.organisation_id,
        action: lead ? 'return_lead_nominated' : 'return_lead_stood_down',
        entity: 'user',
        entityId: user.id,
        at: this.clock.now(),
      });
      return user;
    });
  }
}
