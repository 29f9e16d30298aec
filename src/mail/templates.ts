import ejs from 'ejs';
import path from 'node:path';

/** Renders views/email/<name>.text.ejs and .html.ejs: every email has both parts. */
export async function renderEmail(
  name: string,
  data: Record<string, unknown>,
): Promise<{ text: string; html: string }> {
  const dir = path.join(process.cwd(), 'views/email');
  const [text, html] = await Promise.all([
    ejs.renderFile(path.join(dir, `${name}.text.ejs`), data, { cache: true }),
    ejs.renderFile(path.join(dir, `${name}.html.ejs`), data, { cache: true }),
  ]);
  return { text, html };
}

/** When something happened to an account, as an email tells its owner: "2 April 2026 at 11:00". */
export function emailTime(at: Date): string {
  return new Intl.DateTimeFormat('en-GB', {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: 'Europe/London',
  }).format(at);
}
