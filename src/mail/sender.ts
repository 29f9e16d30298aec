// Delivers the outbox. Messages are claimed with FOR UPDATE SKIP LOCKED, so any number of app
// instances can send side by side without two of them taking the same message; a claim expires, so a
// message claimed by an instance that crashed is picked up again later. Failures back off
// exponentially and a message that keeps failing is marked dead, visible in the admin outbox.
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { Mailer } from './mailer.js';
import { SENT_SECRET_BODY } from './outbox.js';

export interface SenderOptions {
  from: string;
  maxAttempts: number;
  /** First retry delay; doubles on each attempt. */
  baseDelayMs: number;
  /**
   * How long a claim lasts before another sender may take the message. Short, and renewed while a
   * batch is being sent, so messages claimed by an instance that crashed are retried within a minute.
   */
  claimMs: number;
}

export const defaultSenderOptions: Omit<SenderOptions, 'from'> = {
  maxAttempts: 8,
  baseDelayMs: 30_000,
  claimMs: 60_000,
};

export interface SendResult {
  sent: number;
  failed: number;
  dead: number;
}

/** Retries a database write through a short blip: giving up would send the message twice. */
/**
 * Retries a write through a database outage for up to `forMs`: marking a message sent is retried for
 * as long as this sender's claim on it lasts (OUTBOX_CLAIM_SECONDS), since until then no other sender
 * will take it — so only an outage longer than the claim, just as SMTP accepted, can send it twice.
 */
async function persistently(write: () => Promise<unknown>, forMs: number): Promise<void> {
  const started = Date.now();
  for (let attempt = 1; ; attempt += 1) {
    try {
      await write();
      return;
    } catch (error) {
      const wait = Math.min(4_000, 250 * 2 ** attempt);
      if (Date.now() - started + wait > forMs) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/**
 * Delivery is at least once, with the window for a duplicate made as small as it can be: each message
 * is marked sent the moment SMTP accepts it (retried through a database blip), so only a crash between
 * SMTP's acceptance and that one write sends a message twice — and its Message-ID, the idempotency
 * key, lets the receiving server drop the copy. No message is ever lost: anything not marked sent is
 * sent again.
 */
export class OutboxSender {
  constructor(
    private readonly db: Db,
    private readonly mailer: Mailer,
    private readonly clock: Clock,
    private readonly options: SenderOptions,
  ) {}

  private leaseUntil(): Date {
    return new Date(this.clock.now().getTime() + this.options.claimMs);
  }

  /** Sends up to `limit` due messages once; stops between messages when `signal` is aborted. */
  async sendDue(limit = 20, signal?: AbortSignal): Promise<SendResult> {
    const result: SendResult = { sent: 0, failed: 0, dead: 0 };
    if (this.mailer.kind === 'outbox-only') return result;
    const now = this.clock.now();
    const claimed = await this.db
      .updateTable('outbox')
      .set({ status: 'sending', claimed_until: this.leaseUntil() })
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
    claimed.sort((a, b) => Number(a.id) - Number(b.id));

    let renewedAt = Date.now();
    for (const [index, message] of claimed.entries()) {
      const rest = claimed.slice(index).map((m) => m.id);
      if (signal?.aborted) {
        // Stopping: the messages not yet tried are handed back at once, not left claimed for a minute.
        await this.release(rest);
        break;
      }
      if (Date.now() - renewedAt > this.options.claimMs / 3) {
        await this.db
          .updateTable('outbox')
          .set({ claimed_until: this.leaseUntil() })
          .where('id', 'in', rest)
          .where('status', '=', 'sending')
          .execute();
        renewedAt = Date.now();
      }
      let accepted = false;
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
        accepted = true;
      } catch (error) {
        await this.recordFailure(message, error, result);
      }
      if (accepted) {
        await persistently(
          () =>
            this.db
              .updateTable('outbox')
              .set({
                status: 'sent',
                sent_at: this.clock.now(),
                claimed_until: null,
                attempts: message.attempts + 1,
                last_error: null,
                // The link has gone to its recipient: it is not kept.
                ...(message.secret ? { text: SENT_SECRET_BODY, html: `<p>${SENT_SECRET_BODY}</p>` } : {}),
              })
              .where('id', '=', message.id)
              .execute(),
          this.options.claimMs,
        );
        result.sent += 1;
      }
    }
    return result;
  }

  private async recordFailure(
    message: { id: string; attempts: number },
    error: unknown,
    result: SendResult,
  ): Promise<void> {
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
        // SMTP's reply, never the message: a server's error text may quote an address or subject.
        last_error: smtpErrorSummary(error),
      })
      .where('id', '=', message.id)
      .execute();
    if (dead) result.dead += 1;
    else result.failed += 1;
  }

  /** Hands claimed messages back for the next round (on shutdown). */
  private async release(ids: string[]): Promise<void> {
    if (!ids.length) return;
    await this.db
      .updateTable('outbox')
      .set({ status: 'pending', claimed_until: null })
      .where('id', 'in', ids)
      .where('status', '=', 'sending')
      .execute();
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
}

function smtpErrorSummary(error: unknown): string {
  const e = error as { code?: string; responseCode?: number; message?: string };
  const parts = [e.code, e.responseCode ? `SMTP ${e.responseCode}` : undefined].filter(Boolean);
  return (parts.length ? parts.join(' ') : String(e?.message ?? error)).slice(0, 200);
}
