// Helpers every view can use: formatting and the reference-list labels.
import { wilsonInterval } from './domain/proportions.js';
import ejs from 'ejs';
import type { Express } from 'express';
import path from 'node:path';
import * as reference from './domain/reference.js';
import { formatDate, formatDateWithDay, formatPeriod } from './domain/periods.js';
import { can } from './domain/permissions.js';
import { statusLabels, statusTagClass, type ReturnStatus } from './domain/status.js';
import { matrixStatus } from './domain/compliance.js';
import type { User } from './db/types.js';

interface NavItem {
  text: string;
  href: string;
  active: boolean;
}

/** Pages reached from a section's page that still belong to that section in the navigation. */
const sectionAliases: Record<string, string[]> = {
  '/ccsu/context': ['/ccsu/areas', '/ccsu/ldis', '/ccsu/coroners'],
};

function navItems(user: User, currentPath: string | undefined): NavItem[] {
  const items =
    user.role === 'partner'
      ? [
          { text: 'Your returns', href: '/returns' },
          { text: 'Dashboard', href: '/dashboard' },
          { text: 'Your organisation', href: '/organisation' },
        ]
      : [
          { text: 'Home', href: '/ccsu' },
          { text: 'Dashboard', href: '/dashboard' },
          { text: 'Compliance', href: '/ccsu/compliance' },
          { text: 'Records', href: '/ccsu/records' },
          { text: 'Cases', href: '/ccsu/cases' },
          { text: 'Duplicates', href: '/ccsu/review' },
          { text: 'Queries', href: '/ccsu/queries' },
          { text: 'Context data', href: '/ccsu/context' },
          // Administrators' pages are listed on one page ("Administration"), so the navigation keeps
          // to one line at 1280 px (checked in the dashboard journey).
          ...(user.role === 'ccsu_admin' ? [{ text: 'Admin', href: '/admin' }] : []),
        ];
  // The longest matching link is the current section ("Home" is /ccsu, a prefix of the others).
  const path = currentPath ?? '';
  const best = items
    .filter((item) => [item.href, ...(sectionAliases[item.href] ?? [])].some((href) => path.startsWith(href)))
    .sort((a, b) => b.href.length - a.href.length)[0];
  return items.map((item) => ({ ...item, active: item === best }));
}

/** A return's status as the tag partial's params: its words and its colour. */
function statusTag(status: ReturnStatus): { text: string; classes: string } {
  return { text: statusLabels[status], classes: statusTagClass[status] };
}

/** "3 April": a day in London time, for dense tables where the year is in the column heading. */
function formatDayMonth(instant: Date | string | null | undefined): string {
  if (!instant) return '';
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    day: 'numeric',
    month: 'long',
  }).format(new Date(instant));
}

function formatDateTime(instant: Date | string | null | undefined): string {
  if (!instant) return '';
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    hour12: true,
  })
    .format(new Date(instant))
    .replace(' am', 'am')
    .replace(' pm', 'pm');
}

/**
 * How a user proves the second factor, in words, for administrators and return leads: never more than
 * that there is an app or how many passkeys.
 */
function secondFactorsOf(u: { totp_enabled_at: Date | null; passkeys: number | string | null }): string {
  const n = Number(u.passkeys ?? 0);
  const ways = [
    u.totp_enabled_at ? 'Authenticator app' : undefined,
    n === 1 ? '1 passkey' : n > 1 ? `${n} passkeys` : undefined,
  ].filter(Boolean);
  return ways.length > 0 ? ways.join(' and ') : 'Not set up';
}

/** For a GOV.UK partial's `html` parameter: text made safe to put in markup. */
const escapeHtml = (text: unknown) => ejs.escapeXML(String(text ?? ''));

export function setUpViews(app: Express): void {
  const views = path.join(process.cwd(), 'views');
  app.set('view engine', 'ejs');
  app.set('views', views);
  // Compiled templates are cached in every environment: the pages are the hot path.
  app.set('view cache', true);
  // Includes are named from the views folder ('/partials/top'), so rendering one never asks the file
  // system where it is (a relative include is looked for on disk on every render).
  app.engine('ejs', (file, data, callback) =>
    ejs.renderFile(file, data as ejs.Data, { root: views, views: [views], cache: true }, callback),
  );
  Object.assign(app.locals, {
    ref: reference,
    labelOf: reference.labelOf,
    formatDate,
    formatDateWithDay,
    formatDateTime,
    formatDayMonth,
    secondFactorsOf,
    formatPeriod,
    /** k of n as a share with Wilson's 95% interval, for tables that show shares. */
    wilson: wilsonInterval,
    statusTag,
    matrixStatus,
    can,
    navItems,
    escapeHtml,
    /** A rate as published: one decimal place, with thousands separated ("1,234.5"). */
    oneDecimal: (n: number) =>
      n.toLocaleString('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
    /** What a file input accepts wherever a CSV or Excel file is loaded. */
    spreadsheetTypes: '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    /** Words a screen reader hears but the page does not show ("Revoke" + " the Feed key"). */
    visuallyHidden: (text: unknown) => `<span class="govuk-visually-hidden">${escapeHtml(text)}</span>`,
  });
  app.use((req, res, next) => {
    res.locals.currentPath = req.path;
    next();
  });
}
