// Every email is first written here, in the same transaction as the event that causes it; a sender
// delivers it later. The idempotency key makes a repeated event queue the message only once.
import type { DbOrTrx } from '../db/database.js';

export interface OutgoingMessage {
  idempotencyKey: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  /**
   * The message carries a personal link (invitation, password reset, nil return). Nobody can read it in
   * the app — an administrator who could would be able to act as its recipient — and its body is
   * blanked once it has been sent.
   */
  secret?: boolean;
}

/** What a secret message's body becomes once sent. */
export const SENT_SECRET_BODY = 'Removed after sending: this message contained a personal link.';

/** Queues a message; returns false when a message with the same key was already queued. */
export async function enqueue(db: DbOrTrx, message: OutgoingMessage, at: Date): Promise<boolean> {
  const result = await db
    .insertInto('outbox')
    .values({
      idempotency_key: message.idempotencyKey,
      to_addresses: message.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
      secret: message.secret ?? false,
      next_attempt_at: at,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}
