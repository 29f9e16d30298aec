// A partner organisation's return lead manages its own people: colleagues invited and deactivated
// within the organisation only (anyone else is "not found"), and CCSU nominates the return leads.
import type { Db } from '../db/database.js';
import type { Organisation, User } from '../db/types.js';
import { actorOf, audit, type Actor } from '../audit/audit.js';
import type { Clock } from '../clock.js';
import type { AccountsService } from './service.js';
import * as repo from './repository.js';
import { isBlocked, type ThrottleRule } from './throttle.js';
import { recordFailure, throttleRows } from './throttle-repository.js';

/** Invitations a return lead may send in an hour. */
export const INVITES_AN_HOUR = 20;

export type TeamResult = 'done' | 'not_found' | 'yourself' | 'ccsu_only';

export class TeamService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly accounts: AccountsService,
  ) {}

  members(organisationId: number) {
    return repo.teamMembers(this.db, organisationId);
  }

  /**
   * A colleague invited by the return lead: always a partner user of the lead's own organisation. An
   * address that already has an account (here or anywhere) gets the same answer as a new one, so the
   * form cannot be used to find out who has an account; nothing is sent to it. A lead may send 20
   * invitations an hour (counted in PostgreSQL, across instances).
   */
  async invite(lead: User, organisation: Organisation, email: string): Promise<'done' | 'too_many'> {
    const now = this.clock.now();
    const rule: ThrottleRule = {
      key: `invite:lead:${lead.id}`,
      limit: INVITES_AN_HOUR,
      windowMs: 60 * 60_000,
      blockMs: 60 * 60_000,
    };
    if (isBlocked((await throttleRows(this.db, [rule.key])).get(rule.key), now)) return 'too_many';
    await recordFailure(this.db, [rule], now);
    const invited = await this.accounts.invite(
      { email, role: 'partner', organisationId: organisation.id, organisationName: organisation.name },
      actorOf(lead),
    );
    if (!invited.ok)
      await audit(this.db, {
        actor: actorOf(lead),
        organisationId: organisation.id,
        action: 'invitation_not_sent_account_exists',
        entity: 'user',
        at: now,
      });
    return 'done';
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
    const result = await this.accounts.setUserActive(member.id, active, actorOf(lead), 'return_lead');
    return result === 'ccsu_only' ? 'ccsu_only' : 'done';
  }

  /** CCSU nominates (or stands down) a partner user as their organisation's return lead. */
  async setReturnLead(userId: number, lead: boolean, actor: Actor): Promise<User | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const user = await repo.setReturnLead(trx, userId, lead);
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
