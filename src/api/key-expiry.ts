// A month before a submission key expires, its organisation is told (the person who created it and the
// return contacts), once: a partner's system that stops submitting on the day its key lapses would be
// the deadline-day failure this service exists to avoid.
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import { formatDate } from '../domain/periods.js';
import { enqueue } from '../mail/outbox.js';
import { renderEmail } from '../mail/templates.js';
import { submissionKeysExpiring } from './repository.js';

const NOTICE_MS = 30 * 86_400_000;

/** Queues the notice for every live key expiring within 30 days; returns how many were new. */
export async function remindOfExpiringKeys(db: Db, clock: Clock, publicUrl: string): Promise<number> {
  const now = clock.now();
  const expiring = await submissionKeysExpiring(db, now, new Date(now.getTime() + NOTICE_MS));
  let queued = 0;
  for (const key of expiring) {
    const to = [...new Set([key.creator, ...key.return_contacts].filter((a): a is string => !!a))];
    if (to.length === 0) continue;
    const expires = formatDate(key.expires_at.toISOString().slice(0, 10));
    const content = await renderEmail('submission-key-expiring', {
      name: key.name,
      organisation: key.organisation,
      expires,
      link: `${publicUrl}/organisation/submission-keys`,
    });
    const fresh = await enqueue(
      db,
      {
        // Once per key and expiry date.
        idempotencyKey: `submission-key-expiring:${key.id}:${key.expires_at.toISOString()}`,
        to,
        subject: `Your drd-return submission key “${key.name}” expires on ${expires}`,
        ...content,
      },
      now,
    );
    if (fresh) queued += 1;
  }
  return queued;
}
