// Death records inside a return: created and edited a section at a time as drafts, withdrawn (never
// deleted), and linked by keys derived from identifiers that are never stored.
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { isUniqueViolation, type Db } from '../db/database.js';
import type { Organisation, RecordRow } from '../db/types.js';
import { audit, type Actor } from '../audit/audit.js';
import type { FieldError } from '../domain/field-error.js';
import { linkageKeys } from '../records/linkage-keys.js';
import { lastDayOf, londonDateOf } from '../domain/periods.js';
import type { ReturnsService } from './service.js';
import { fieldsOf, sections, type SectionId } from '../records/fields.js';
import * as repo from '../records/repository.js';
import { emptyRecord, validateSection, type RecordData } from '../records/schema.js';
import { linkageSchema } from '../records/linkage-schema.js';
import { completenessErrors, issuesToErrors } from '../records/schema.js';
import { changedFields } from '../records/diff.js';
import { referenceClash } from './reference-clash.js';
import { fail, type Result } from '../lib/result.js';

export type RecordResult =
  { ok: true; record: RecordRow } | { ok: false; errors: FieldError[] } | { ok: false; notEditable: true };

/** Why a change to one record (withdraw, restore, remove its linkage keys) was not made. */
export type RecordChangeReason = 'not_found' | 'unchanged' | 'return_closed';
export type RecordChangeResult = Result<object, RecordChangeReason>;

export class RecordsService {
  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly clock: Clock,
    private readonly returns: ReturnsService,
  ) {}

  private context(period: string) {
    return { today: londonDateOf(this.clock.now()), periodEnd: lastDayOf(period) };
  }

  /** Saves one section of a record; with no record id, the first section creates the record. */
  saveSection(
    organisation: Organisation,
    period: string,
    recordId: number | undefined,
    section: SectionId,
    raw: Record<string, unknown>,
    actor: Actor,
  ): Promise<RecordResult> {
    const names = fieldsOf(section).map((f) => f.name);
    return this.saveFields(organisation, period, recordId, { names, label: section }, raw, actor);
  }

  /**
   * Saves every answer of a record at once (the submission API): what the form's sections would
   * save one after another, with the same rules, in one transaction. Fields left out become blank.
   */
  saveRecord(
    organisation: Organisation,
    period: string,
    recordId: number | undefined,
    raw: Record<string, unknown>,
    actor: Actor,
  ): Promise<RecordResult> {
    const names = sections.flatMap((section) => fieldsOf(section.id).map((f) => f.name));
    return this.saveFields(organisation, period, recordId, { names, label: 'whole record' }, raw, actor);
  }

  private async saveFields(
    organisation: Organisation,
    period: string,
    recordId: number | undefined,
    fields: { names: string[]; label: string },
    raw: Record<string, unknown>,
    actor: Actor,
  ): Promise<RecordResult> {
    const { names } = fields;
    const existing = recordId === undefined ? undefined : await this.find(organisation, period, recordId);
    if (recordId !== undefined && !existing) return { ok: false, notEditable: true };
    const stored = existing ? repo.recordDataOf(existing) : emptyRecord();
    const result = validateSection(names, raw, stored, this.context(period));
    if (!result.ok) return result;
    // A new death sent again (a double click, or a re-send after an error page) whose first copy was
    // saved: the same answers under the same reference in this return are that save's result.
    const resent = async (): Promise<RecordResult | undefined> => {
      if (recordId !== undefined || !result.values.partner_record_ref) return undefined;
      const clash = await repo.findByReference(this.db, organisation.id, result.values.partner_record_ref);
      const saved = clash && (await this.find(organisation, period, clash.id));
      if (!saved) return undefined;
      const same = changedFields(names, repo.recordDataOf(saved), result.values).length === 0;
      return same ? { ok: true, record: saved } : undefined;
    };
    const clash = await referenceClash(this.db, organisation, result.values.partner_record_ref, recordId);
    if (clash.length) return (await resent()) ?? { ok: false, errors: clash };
    try {
      return await this.writeSection(organisation, period, existing, stored, fields, result.values, actor);
    } catch (error) {
      // Two identical saves at once: the second meets the first's reference in the unique index.
      if (!isUniqueViolation(error)) throw error;
      const again = await referenceClash(this.db, organisation, result.values.partner_record_ref, recordId);
      if (!again.length) throw error;
      return (await resent()) ?? { ok: false, errors: again };
    }
  }

  private async writeSection(
    organisation: Organisation,
    period: string,
    existing: RecordRow | undefined,
    stored: RecordData,
    fields: { names: string[]; label: string },
    values: Partial<RecordData>,
    actor: Actor,
  ): Promise<RecordResult> {
    const { names, label: section } = fields;
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      const row = await this.returns.editableReturn(trx, organisation, period, 'share');
      if (!row) return { ok: false as const, notEditable: true as const };
      let record: RecordRow;
      const problems = completenessErrors({ ...stored, ...values }, this.context(period)).length;
      if (existing) {
        record = await repo.updateRecord(
          trx,
          existing.id,
          { ...values, completeness_problems: problems },
          now,
        );
        const changed = changedFields(names, stored, values);
        await audit(trx, {
          actor,
          organisationId: organisation.id,
          action: 'record_updated',
          entity: 'record',
          entityId: record.id,
          detail: { period, section, changed },
          at: now,
        });
      } else {
        record = await repo.insertRecord(
          trx,
          organisation.id,
          row.id,
          {
            ...values,
            partner_record_ref: values.partner_record_ref!,
            completeness_problems: problems,
          },
          now,
        );
        await audit(trx, {
          actor,
          organisationId: organisation.id,
          action: 'record_created',
          entity: 'record',
          entityId: record.id,
          detail: { period },
          at: now,
        });
      }
      return { ok: true as const, record };
    });
  }

  find(organisation: Organisation, period: string, recordId: number): Promise<RecordRow | undefined> {
    return repo.findRecordOfMonth(this.db, organisation.id, period, recordId);
  }

  /**
   * Hashes the linkage identifiers into match keys and forgets them. Only the keys (and an age worked
   * out from the date of birth, when no age was given) are written.
   */
  async saveLinkage(
    organisation: Organisation,
    period: string,
    recordId: number,
    raw: Record<string, unknown>,
    actor: Actor,
  ): Promise<RecordResult & { derivedAge?: number }> {
    const existing = await this.find(organisation, period, recordId);
    if (!existing) return { ok: false, notEditable: true };
    const parsed = linkageSchema.safeParse(raw);
    if (!parsed.success) return { ok: false, errors: issuesToErrors(parsed.error) };
    const stored = repo.recordDataOf(existing);
    const keys = linkageKeys(parsed.data, stored, this.config.linkageSecret, this.context(period).today, {
      requireSome: true,
    });
    if (!keys.ok) return keys;
    const values: Parameters<typeof repo.updateRecord>[2] = { ...keys.values };
    if (keys.values.age_at_death !== undefined)
      values.completeness_problems = completenessErrors(
        { ...stored, ...values },
        this.context(period),
      ).length;
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      if (!(await this.returns.editableReturn(trx, organisation, period, 'share')))
        return { ok: false as const, notEditable: true as const };
      const record = await repo.updateRecord(trx, recordId, values, now);
      await audit(trx, {
        actor,
        organisationId: organisation.id,
        action: 'record_linkage_keys_set',
        entity: 'record',
        entityId: recordId,
        // Which keys changed, never the identifiers themselves.
        detail: {
          period,
          nhs_key: 'match_key_nhs' in values,
          demographic_key: 'match_key_demo' in values,
          age_derived: 'age_at_death' in values,
        },
        at: now,
      });
      return { ok: true as const, record, derivedAge: values.age_at_death ?? undefined };
    });
  }

  /**
   * One audited change to a record in an editable return. Refused when the record is not this
   * organisation's (not_found), is already as asked (unchanged: a second click, another tab), or the
   * return can no longer change (return_closed).
   */
  private async changeRecord(
    change: { organisation: Organisation; period: string; recordId: number; actor: Actor },
    allowed: (record: RecordRow) => boolean,
    values: Parameters<typeof repo.updateRecord>[2],
    action: string,
    detail: Record<string, unknown> = {},
  ): Promise<RecordChangeResult> {
    const { organisation, period, recordId, actor } = change;
    const existing = await this.find(organisation, period, recordId);
    if (!existing) return fail('not_found');
    if (!allowed(existing)) return fail('unchanged');
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      if (!(await this.returns.editableReturn(trx, organisation, period, 'share')))
        return fail('return_closed');
      await repo.updateRecord(trx, recordId, values, now);
      await audit(trx, {
        actor,
        organisationId: organisation.id,
        action,
        entity: 'record',
        entityId: recordId,
        detail: { period, ...detail },
        at: now,
      });
      return { ok: true as const };
    });
  }

  clearLinkage(
    organisation: Organisation,
    period: string,
    recordId: number,
    actor: Actor,
  ): Promise<RecordChangeResult> {
    return this.changeRecord(
      { organisation, period, recordId, actor },
      () => true,
      { match_key_nhs: null, match_key_demo: null },
      'record_linkage_keys_removed',
    );
  }

  withdraw(
    organisation: Organisation,
    period: string,
    recordId: number,
    reason: string,
    actor: Actor,
  ): Promise<RecordChangeResult> {
    return this.changeRecord(
      { organisation, period, recordId, actor },
      (record) => record.record_status === 'active',
      { record_status: 'withdrawn', withdrawn_reason: reason },
      'record_withdrawn',
      { reason },
    );
  }

  restore(
    organisation: Organisation,
    period: string,
    recordId: number,
    actor: Actor,
  ): Promise<RecordChangeResult> {
    return this.changeRecord(
      { organisation, period, recordId, actor },
      (record) => record.record_status === 'withdrawn',
      { record_status: 'active', withdrawn_reason: null },
      'record_restored',
    );
  }
}
