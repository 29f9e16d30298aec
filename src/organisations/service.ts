import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { Organisation, User } from '../db/types.js';
import { askForReturnLead, type LeadRequestResult } from './lead-request.js';
import { audit, type Actor } from '../audit/audit.js';
import type { FieldError } from '../domain/field-error.js';
import * as repo from './repository.js';
import { refreshCaseFactsOfOrganisation } from '../records/case-facts.js';
import type { OrganisationInput } from './schema.js';

export type SaveResult = { ok: true; organisation: Organisation } | { ok: false; errors: FieldError[] };

export class OrganisationsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly publicUrl = '',
  ) {}

  /** A partner asks CCSU to nominate their organisation's return lead (at most once a day). */
  askForReturnLead(organisation: Organisation, user: User): Promise<LeadRequestResult> {
    return askForReturnLead(this.db, this.clock, this.publicUrl, organisation, user);
  }

  list() {
    return repo.listOrganisations(this.db);
  }

  /** For the administrators' list: each organisation with its return leads (an empty list needs one). */
  listWithLeads() {
    return repo.listOrganisationsWithLeads(this.db);
  }

  /** The first month any organisation makes a return for: where month-by-month pages start. */
  async earliestActiveFrom(): Promise<string | undefined> {
    return repo.earliestActiveFrom(this.db);
  }

  find(id: number) {
    return repo.findOrganisation(this.db, id);
  }

  private async clashes(input: OrganisationInput, exceptId?: number): Promise<FieldError[]> {
    const clash = await repo.findOrganisationByNameOrCode(this.db, input.name, input.code, exceptId);
    if (!clash) return [];
    return clash.code === input.code
      ? [{ field: 'code', message: `Short code ${input.code} is already used by ${clash.name}` }]
      : [{ field: 'name', message: 'An organisation with this name already exists' }];
  }

  async create(input: OrganisationInput, actor: Actor): Promise<SaveResult> {
    const errors = await this.clashes(input);
    if (errors.length) return { ok: false, errors };
    return this.db.transaction().execute(async (trx) => {
      const organisation = await repo.insertOrganisation(trx, input);
      await audit(trx, {
        actor,
        organisationId: organisation.id,
        action: 'organisation_created',
        entity: 'organisation',
        entityId: organisation.id,
        detail: { ...input },
        at: this.clock.now(),
      });
      return { ok: true as const, organisation };
    });
  }

  async update(id: number, input: OrganisationInput, actor: Actor): Promise<SaveResult | undefined> {
    const errors = await this.clashes(input, id);
    if (errors.length) return { ok: false, errors };
    return this.db.transaction().execute(async (trx) => {
      const before = await repo.findOrganisation(trx, id);
      if (!before) return undefined;
      const organisation = (await repo.updateOrganisation(trx, id, input))!;
      // The type ranks a record's evidence (coroner > hospital > others) and filters the dashboard.
      if (before.type !== organisation.type) await refreshCaseFactsOfOrganisation(trx, id);
      const changed = Object.fromEntries(
        Object.entries(input).filter(
          ([key, value]) => JSON.stringify(before[key as keyof Organisation]) !== JSON.stringify(value),
        ),
      );
      await audit(trx, {
        actor,
        organisationId: id,
        action: 'organisation_updated',
        entity: 'organisation',
        entityId: id,
        detail: { changed },
        at: this.clock.now(),
      });
      return { ok: true as const, organisation };
    });
  }

  /** A return lead sets who receives the organisation's reminders and escalations; audited. */
  async updateContacts(
    id: number,
    contacts: { return_contacts: string[]; escalation_contact: string },
    actor: Actor,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await repo.updateContacts(trx, id, contacts);
      await audit(trx, {
        actor,
        organisationId: id,
        action: 'organisation_contacts_updated',
        entity: 'organisation',
        entityId: id,
        detail: { changed: contacts },
        at: this.clock.now(),
      });
    });
  }
}
