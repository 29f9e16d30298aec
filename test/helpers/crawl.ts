// Every page a person can reach by following links, at 375 px: nothing scrolls sideways and axe finds
// nothing. Each route shape (ids and query strings aside) is checked once, so new pages join by
// themselves: roles crawled in one file share what was checked (an administrator's crawl checks only
// the pages an analyst could not reach, though it walks through them to find its own). The partner's
// crawl and CCSU's are separate test files, so Jest's two workers share them out.
import { describe, expect, it, jest } from '@jest/globals';
import { addCompleteRecord, createOrganisation, createUser, signedIn } from './app.js';
import { expectAccessible, signInThroughPage, useBrowserApp } from './browser.js';
import type { User } from '../../src/db/types.js';

type Role = 'partner' | 'ccsu_analyst' | 'ccsu_admin';

const users = {} as Record<Role, User>;

const crawlApp = () =>
  useBrowserApp({ now: '2026-04-20T10:00:00Z' }, async (t) => {
    const org = await createOrganisation(t, {
      name: 'Crawl Treatment Service',
      code: 'CRW',
      active_from: '2026-01',
    });
    users.partner = await createUser(t, 'partner', org.id);
    users.ccsu_analyst = await createUser(t, 'ccsu_analyst');
    users.ccsu_admin = await createUser(t, 'ccsu_admin');
    const partner = await signedIn(t, users.partner);
    await addCompleteRecord(partner, '2026-03', 'CRW-2026-001');
    await partner.submit('/returns/2026-03/submit', { declaration: 'yes' }, '/returns/2026-03/check');
    await addCompleteRecord(partner, '2026-04', 'CRW-2026-002');
  });

/** One address per route: ids become :id, query strings are dropped. */
const routeOf = (path: string) => path.replace(/\/\d+(?=\/|$)/g, '/:id');
const skip = /^\/(sign-out|signed-out|api\/|assets\/)|\.(csv|xlsx|json)$|\/html$/;

/** The crawl as these roles in turn, on one app, database and browser. */
export function crawlAs(...roles: Role[]): void {
  jest.setTimeout(300_000);
  const journey = crawlApp();
  const checked = new Set<string>();
  describe.each(roles)('every page as a %s', (role) => {
    it('when each page reachable by links is opened on a phone then it fits 375 px and axe finds nothing', async () => {
      const context = await journey.browser.newContext({ viewport: { width: 375, height: 800 } });
      const page = await context.newPage();
      await signInThroughPage(page, journey.baseUrl, users[role], journey.t);
      const seen = new Set<string>();
      const queue = [new URL(page.url()).pathname];
      const tooWide: string[] = [];
      let visited = 0;
      while (queue.length > 0 && visited < 60) {
        const path = queue.shift()!;
        if (seen.has(routeOf(path))) continue;
        seen.add(routeOf(path));
        const response = await page.goto(`${journey.baseUrl}${path}`);
        if (!response || response.status() >= 400 || !response.headers()['content-type']?.includes('html'))
          continue;
        const links = await page.$$eval('a[href^="/"]', (as) => as.map((a) => a.getAttribute('href')!));
        for (const href of links) {
          const next = href.split('#')[0]!.split('?')[0]!;
          if (!skip.test(next) && !seen.has(routeOf(next))) queue.push(next);
        }
        if (checked.has(routeOf(path))) continue;
        checked.add(routeOf(path));
        visited += 1;
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        if (width > 375) {
          // Name the widest element that sticks out, to say what to fix.
          const culprit = await page.evaluate(() => {
            const wide = Array.from(document.querySelectorAll('body *')).filter(
              (e) =>
                e.getBoundingClientRect().right > 376 &&
                !e.parentElement?.closest('[tabindex="0"][role="region"]'),
            );
            const outer = wide.filter(
              (e) => !wide.some((o) => o !== e && o.contains(e) && o.tagName !== 'MAIN'),
            );
            return outer
              .slice(0, 2)
              .map((e) => `${e.tagName.toLowerCase()}.${Array.from(e.classList).join('.')}`)
              .join(', ');
          });
          tooWide.push(`${path} (${width} px: ${culprit})`);
        }
        await expectAccessible(page);
      }
      await context.close();
      process.stdout.write(`Crawl as ${role}: ${visited} pages checked, one per route, at 375 px\n`);
      expect(visited).toBeGreaterThan(3);
      expect(tooWide).toEqual([]);
    });
  });
}
