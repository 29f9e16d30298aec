// Reminder emails (product spec §4). Each run works out, for every organisation and recent month, the
// one reminder due today, and queues it with its outbox messages in one transaction. The unique key on
// reminders (organisation, period, kind) makes each reminder happen exactly once, whichever instance
// runs and however often.
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db, DbOrTrx } from '../db/database.js';
import type { Organisation } from '../db/types.js';
import { newLinkToken } from '../lib/link-tokens.js';
import {
  addMonths,
  addWorkingDays,
  deadlineOf,
  formatDateWithDay,
  formatPeriod,
  londonDateOf,
  periodOf,
  type IsoDate,
  type Period,
} from '../domain/periods.js';
import { dueReminder, reminderDates, type ReminderKind } from '../domain/reminders.js';
import { getSettings } from '../settings/settings.js';
import { enqueue } from '../mail/outbox.js';
import { renderEmail } from '../mail/templates.js';
import { ccsuDistributionList } from '../mail/recipients.js';
import * as repo from './repository.js';
import { isActiveIn, isReceived, monthCompliance } from '../domain/compliance.js';

/** A reminder older than this many working days is stale: after downtime it is not sent late. */
const STALE_AFTER_WORKING_DAYS = 10;
/** How far back a return can still be chased. */
const MONTHS_BACK = 12;
export const NIL_LINK_DAYS = 45;

interface Due {
  organisation: Organisation;
  period: Period;
  kind: ReminderKind;
  deadline: IsoDate;
  /** Deaths already drafted in the return: then a nil return is not offered (its link would refuse). */
  drafts: number;
}

export class RemindersService {
  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly clock: Clock,
  ) {}

  /** The reminders due now that have not been sent: pure reading, nothing queued. */
  async due(): Promise<Due[]> {
    const today = londonDateOf(this.clock.now());
    const settings = await getSettings(this.db);
    const current = periodOf(today);
    const first = addMonths(current, -MONTHS_BACK);
    const organisations = await repo.allOrganisations(this.db);
    const returns = await repo.returnsSince(this.db, first);
    const returnOf = new Map(returns.map((r) => [`${r.organisation_id}:${r.period}`, r]));
    const sent = await repo.remindersSince(this.db, first);
    const sentKeys = new Set(sent.map((r) => `${r.organisation_id}:${r.period}:${r.kind}`));
    const staleBefore = addWorkingDays(today, -STALE_AFTER_WORKING_DAYS);

    const due: Due[] = [];
    for (let period = first; period < current; period = addMonths(period, 1)) {
      const deadline = deadlineOf(period, settings.deadlineWorkingDays);
      const kind = dueReminder(period, deadline, today, settings.reminderSchedule);
      if (!kind || reminderDates(period, deadline, settings.reminderSchedule)[kind] < staleBefore) continue;
      for (const organisation of organisations) {
        if (!isActiveIn(organisation, period)) continue;
        const ret = returnOf.get(`${organisation.id}:${period}`);
        // Reminders stop the moment a return is in (an amendment in progress was received before), and
        // for a month CCSU has locked.
        const { bucket } = monthCompliance({
          state: ret?.state ?? null,
          submittedLate: ret?.submitted_late ?? false,
          deadline,
          today,
        });
        if (isReceived(bucket) || ret?.locked_at) continue;
        if (sentKeys.has(`${organisation.id}:${period}:${kind}`)) continue;
        due.push({ organisation, period, kind, deadline, drafts: Number(ret?.drafts ?? 0) });
      }
    }
    return due;
  }

  /** Queues every reminder due now; returns how many were queued by this run. */
  async run(): Promise<number> {
    const due = await this.due();
    if (due.length === 0) return 0;
    const ccsu = await ccsuDistributionList(this.db);
    let queued = 0;
    // Batches keep each transaction short; each reminder and its messages commit together.
    for (let i = 0; i < due.length; i += 100) {
      const batch = due.slice(i, i + 100);
      queued += await this.db.transaction().execute(async (trx) => {
        let n = 0;
        for (const reminder of batch) if (await this.queue(trx, reminder, ccsu)) n += 1;
        return n;
      });
    }
    return queued;
  }

  private async queue(trx: DbOrTrx, reminder: Due, ccsu: string[]): Promise<boolean> {
    const { organisation, period, kind, deadline, drafts } = reminder;
    const now = this.clock.now();
    const partnerRecipients =
      kind === 'escalation' ? [organisation.escalation_contact] : organisation.return_contacts;
    const recipients = [...new Set([...partnerRecipients, ...(kind === 'escalation' ? ccsu : [])])];
    const inserted = await repo.claimReminder(trx, {
      organisation_id: organisation.id,
      period,
      kind,
      queued_at: now,
      recipients,
    });
    if (!inserted) return false; // another instance got there first

    for (const recipient of recipients) {
      const partner = partnerRecipients.includes(recipient);
      let nilLink: string | null = null;
      if (partner && drafts === 0) {
        const { token, hash } = newLinkToken();
        await repo.insertNilLink(trx, {
          token_hash: hash,
          organisation_id: organisation.id,
          period,
          recipient,
          expires_at: new Date(now.getTime() + NIL_LINK_DAYS * 86_400_000),
        });
        nilLink = `${this.config.publicUrl}/nil/${token}`;
      }
      const month = formatPeriod(period);
      const content = await renderEmail('reminder', {
        kind,
        organisationName: organisation.name,
        month,
        deadline: formatDateWithDay(deadline),
        startLink: `${this.config.publicUrl}/returns/${period}`,
        nilLink,
        drafts,
        forCcsu: !partner,
      });
      await enqueue(
        trx,
        {
          idempotencyKey: `reminder:${organisation.id}:${period}:${kind}:${recipient}`,
          to: [recipient],
          subject: reminderSubject(kind, organisation.name, month, formatDateWithDay(deadline)),
          ...content,
          secret: nilLink !== null,
        },
        now,
      );
    }
    return true;
  }
}

export function reminderSubject(
  kind: ReminderKind,
  organisationName: string,
  month: string,
  deadline: string,
): string {
  switch (kind) {
    case 'return_open':
      return `The ${month} drug-related deaths return is open – due ${deadline}`;
    case 'due_soon':
      return `Reminder: your ${month} drug-related deaths return is due ${deadline}`;
    case 'due_today':
      return `Your ${month} drug-related deaths return is due today`;
    case 'overdue':
      return `Overdue: your ${month} drug-related deaths return was due ${deadline}`;
    case 'escalation':
      return `Escalation: ${organisationName} has not made its ${month} drug-related deaths return`;
  }
}
