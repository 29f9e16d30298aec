// Who may do what, in one place: pages ask can(user, action) to decide what to offer, and the routes
// and services that do the thing ask the same question before doing it.
import type { roles } from './reference.js';

type Role = (typeof roles)[number][0];

export type Action =
  /** Lock a month, reopen a return, run the summary by hand: CCSU administrators. */
  | 'administer_returns'
  /** A partner organisation's own people and contacts, and its data-sharing agreement: its return lead. */
  | 'manage_own_organisation';

export interface Permitted {
  role: Role;
  return_lead: boolean;
}

export function can(user: Permitted | undefined, action: Action): boolean {
  if (!user) return false;
  switch (action) {
    case 'administer_returns':
      return user.role === 'ccsu_admin';
    case 'manage_own_organisation':
      return user.role === 'partner' && user.return_lead;
  }
}
