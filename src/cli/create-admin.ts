// npm run create-admin -- <email>: invites a CCSU administrator and prints the set-password link.
import { systemClock } from '../clock.js';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/open.js';
import { AccountsService } from '../accounts/service.js';
import { z } from 'zod';
import { runBackfills } from '../backfills.js';

const email = z.email().safeParse(process.argv[2]?.trim());
if (!email.success) {
  console.error('Usage: npm run create-admin -- name@example.org');
  process.exit(1);
}
const config = loadConfig();
const database = await openDatabase(config, { backfill: runBackfills });
try {
  const result = await new AccountsService(database.db, config, systemClock).createAdmin(email.data);
  if (!result.ok) {
    console.error(`A user with the email ${email.data} already exists.`);
    process.exitCode = 1;
  } else {
    console.log(
      `Invited ${email.data} as a CCSU administrator. Set the password with this one-time link (valid 7 days):\n  ${result.link}`,
    );
  }
} finally {
  await database.close();
}
