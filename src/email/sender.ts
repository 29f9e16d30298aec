// Delivers the outbox. Messages are claimed with FOR UPDATE SKIP LOCKED, so any number of app
// instances can send side by side without two of them taking the same message; a claim expires, so a
// message claimed by an instance that crashed is picked up again later. Failures back off
// exponentially and a message that keeps failing is marked dead, visible in the admin outbox.
import { sql } from 'kysely';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { Mailer } from './mailer.js';

export interface SenderOptions {
  from: string;
  maxAttempts: number;
  /** First retry delay; doubles on each attempt. */
  baseDelayMs: number;
  /** How long a claim lasts before another sender may take the message. */
  claimMs: number;
}

export const defaultSenderOptions: Omit<SenderOptions, 'from'> = {
  maxAttempts: 8,
  baseDelayMs: 30_000,
  claimMs: 5 * 60_000,
};

export interface SendResult {
  sent: number;
  failed: number;
  dead: number;
}

export class OutboxSender {
  constructor(
    private readonly db: Db,
    private readonly mailer: Mailer,
    private readonly clock: Clock,
    private readonly options: SenderOptions,
  ) {}

  /** Sends up to `limit` due messages once; returns what happened. */
  async sendDue(limit = 50): Promise<SendResult> {
    const result: SendResult = { sent: 0, failed: 0, dead: 0 };
    if (this.mailer.kind === 'outbox-only') return result;
    const now = this.clock.now();
    const claimed = await this.db
      .updateTable('outbox')
      .set({ status: 'sending', claimed_until: new Date(now.getTime() + this.options.claimMs) })
      .where(
        'id',
        'in',
        this.db
          .selectFrom('outbox')
          .select('id')
          .where((eb) =>
            eb.or([
              eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
              eb.and([eb('status', '=', 'sending'), eb('claimed_until', '<', now)]),
            ]),
          )
          .orderBy('id')
          .limit(limit)
          .forUpdate()
          .skipLocked(),
      )
      .returningAll()
      .execute();

    for (const message of claimed) {
      try {
        await this.mailer.send({
          from: this.options.from,
          to: message.to_addresses,
          subject: message.subject,
          text: message.text,
          html: message.html,
          // The idempotency key as Message-ID lets a receiving server drop a duplicate after a crash.
          messageId: `<${message.idempotency_key.replace(/[^\w.:-]/g, '-')}@drd-return>`,
        });
        await this.db
          .updateTable('outbox')
          .set({
            status: 'sent',
            sent_at: this.clock.now(),
            claimed_until: null,
            attempts: message.attempts + 1,
            last_error: null,
          })
          .where('id', '=', message.id)
          .execute();
        result.sent += 1;
      } catch (error) {
        const attempts = message.attempts + 1;
        const dead = attempts >= this.options.maxAttempts;
        const delay = this.options.baseDelayMs * 2 ** (attempts - 1);
        await this.db
          .updateTable('outbox')
          .set({
            status: dead ? 'dead' : 'pending',
            attempts,
            claimed_until: null,
            next_attempt_at: new Date(this.clock.now().getTime() + delay),
            last_error: String((error as Error)?.message ?? error).slice(0, 500),
          })
          .where('id', '=', message.id)
          .execute();
        if (dead) result.dead += 1;
        else result.failed += 1;
      }
    }
    return result;
  }

  /** Sends until nothing is due (tests and the benchmark). */
  async drain(): Promise<SendResult> {
    const total: SendResult = { sent: 0, failed: 0, dead: 0 };
    for (;;) {
      const round = await this.sendDue(200);
      total.sent += round.sent;
      total.failed += round.failed;
      total.dead += round.dead;
      if (round.sent + round.failed + round.dead === 0) return total;
    }
  }

  async pendingCount(): Promise<number> {
    const row = await this.db
      .selectFrom('outbox')
      .select(sql<number>`count(*)`.as('n'))
      .where('status', 'in', ['pending', 'sending'])
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
