// "Make a nil return" from a reminder email: a single-use link bound to one organisation, month and
// recipient. Opening it changes nothing; one button on the page signs the nil return as the recipient.
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { Organisation } from '../db/types.js';
import { hashLinkToken } from '../lib/link-tokens.js';
import type { ReturnsService } from '../returns/service.js';
import { isDone } from '../domain/status.js';
import { londonDateOf } from '../domain/periods.js';
import * as repo from './repository.js';
import { agreementNeeded } from '../agreements/service.js';

export type NilLinkState =
  | { state: 'valid'; linkId: number; organisation: Organisation; period: string; recipient: string }
  | {
      state:
        | 'invalid'
        | 'used'
        | 'expired'
        | 'locked'
        | 'already_done'
        | 'too_early'
        | 'has_records'
        | 'agreement_needed';
      organisation?: Organisation;
      period?: string;
    };

export class NilLinksService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly returns: ReturnsService,
  ) {}

  async check(token: string): Promise<NilLinkState> {
    const link = await repo.nilLinkByHash(this.db, hashLinkToken(token));
    if (!link) return { state: 'invalid' };
    const organisation = await repo.organisationById(this.db, link.organisation_id);
    const context = { organisation, period: link.period };
    const detail = await this.returns.detail(organisation, link.period);
    if (detail && isDone(detail.status)) return { state: 'already_done', ...context };
    if (link.used_at) return { state: 'used', ...context };
    if (detail?.locked) return { state: 'locked', ...context };
    if (link.expires_at <= this.clock.now()) return { state: 'expired', ...context };
    if (!detail) return { state: 'invalid' };
    if (!detail.submittable) return { state: 'too_early', ...context };
    if (detail.recordCount > 0) return { state: 'has_records', ...context };
    if (await agreementNeeded(this.db, organisation.id, londonDateOf(this.clock.now())))
      return { state: 'agreement_needed', ...context };
    return { state: 'valid', linkId: link.id, organisation, period: link.period, recipient: link.recipient };
  }

  /**
   * Signs the nil return as the link's recipient. The link is used up and the nil return made in one
   * transaction: a failure part way (the database restarting) leaves both as they were, so the
   * recipient can press the button again; two presses at once sign once.
   */
  async submit(
    token: string,
  ): Promise<
    NilLinkState | { state: 'submitted'; reference: string; organisation: Organisation; period: string }
  > {
    const check = await this.check(token);
    if (check.state !== 'valid') return check;
    const context = { organisation: check.organisation, period: check.period };
    const outcome = await this.db
      .transaction()
      .execute(async (trx) => {
        if (!(await repo.useNilLink(trx, check.linkId, this.clock.now()))) return { state: 'used' as const };
        const user = await repo.userOfOrganisationByEmail(trx, check.organisation.id, check.recipient);
        const result = await this.returns.nilReturnIn(trx, check.organisation, check.period, {
          id: user?.id ?? null,
          email: check.recipient,
          via: 'nil-return link in reminder email',
        });
        // Nothing was signed: the link is given back by rolling the transaction back.
        if (!result.ok) throw new NotSigned(result.reason);
        return { state: 'submitted' as const, reference: result.reference };
      })
      .catch((error: unknown) => {
        if (!(error instanceof NotSigned)) throw error;
        return {
          state:
            error.reason === 'has_records'
              ? ('already_done' as const)
              : error.reason === 'locked'
                ? ('locked' as const)
                : error.reason === 'agreement_needed'
                  ? ('agreement_needed' as const)
                  : ('invalid' as const),
        };
      });
    return { ...outcome, ...context };
  }
}

class NotSigned extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}
