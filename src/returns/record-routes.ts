// The record pages of a partner's return: the form sections, linkage identifiers, withdraw and restore.
import { actorOf } from '../audit/audit.js';
import { Router, type Request, type Response } from 'express';
import { currentUser } from '../middleware/auth.js';
import {
  formOf,
  toFormErrors,
  validate,
  validateNoFields,
  type FormErrors,
} from '../middleware/validation.js';
import { HttpError } from '../lib/http-error.js';
import { checkIdParams } from '../lib/ids.js';
import { withdrawalReasons } from '../domain/reference.js';
import { withoutIdentifiers } from '../domain/identifiers.js';
import type { RecordRow } from '../db/types.js';
import {
  fieldsOf,
  groups,
  linkageFieldDefs,
  revealedBy,
  revealsOf,
  sections,
  type SectionId,
} from '../records/fields.js';
import { displayValue, fieldAnchor, isAnswered, problemLinks, shortLabel } from '../records/display.js';
import { completenessErrors } from '../records/schema.js';
import { recordDataOf } from '../records/repository.js';
import {
  displayFromBody,
  displayFromRecord,
  errorAnchor,
  rawFromBody,
  recordFormBody,
} from '../records/form.js';
import type { RecordsService } from './records-service.js';
import { refuseRecordChange } from './record-change-refusals.js';
import type { ReturnDetail, ReturnsService } from './service.js';
import { organisationOf, type ReturnLoaders } from './partner-context.js';
import { withdrawSchema } from './schemas.js';

const SECTION_IDS = sections.map((s) => s.id);

/** A record form's body is checked for shape here; its answers by the record schema when saved. */
const recordForm = () =>
  validate(recordFormBody, () => {
    throw new HttpError(400, 'record form body');
  });

export function recordPagesRouter(
  records: RecordsService,
  returns: ReturnsService,
  loaders: ReturnLoaders,
): Router {
  const router = Router();
  checkIdParams(router);
  const { loadReturn, loadRecord, requireEditable, editableOrBack } = loaders;

  // Records: the first section creates the record.
  const renderSection = (
    res: Response,
    detail: ReturnDetail,
    section: SectionId,
    record: RecordRow | undefined,
    values: Record<string, unknown>,
    errors?: FormErrors,
    returnTo?: 'check',
  ) => {
    const fields = fieldsOf(section);
    res.render('records/section', {
      title: sections.find((s) => s.id === section)!.title,
      section,
      fields,
      groups,
      revealedBy,
      revealsOf,
      record,
      values,
      errors,
      returnTo,
      action: record
        ? `/returns/${detail.period}/records/${record.id}/${section}`
        : `/returns/${detail.period}/records/new`,
      backLink:
        returnTo === 'check'
          ? `/returns/${detail.period}/check`
          : record
            ? `/returns/${detail.period}/records/${record.id}`
            : `/returns/${detail.period}`,
    });
  };

  /** "Change" links from the check page come back to it once the change is saved. */
  const returnToOf = (req: Request): 'check' | undefined =>
    req.query.return_to === 'check' ||
    (req.body as Record<string, unknown> | undefined)?.return_to === 'check'
      ? 'check'
      : undefined;

  router.get('/:period/records/new', async (req, res) => {
    const detail = await loadReturn(req, res);
    if (!editableOrBack(req, res, detail)) return;
    renderSection(res, detail, 'death', undefined, {});
  });

  const saveSection = async (
    req: Request,
    res: Response,
    section: SectionId,
    recordId: number | undefined,
  ) => {
    const detail = await loadReturn(req, res);
    requireEditable(detail);
    const fields = fieldsOf(section);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const result = await records.saveSection(
      organisationOf(res),
      detail.period,
      recordId,
      section,
      rawFromBody(fields, body),
      actorOf(currentUser(req)),
    );
    if (!result.ok) {
      if ('notEditable' in result) throw new HttpError(403);
      const record = recordId === undefined ? undefined : await returns.record(detail, recordId);
      return renderSection(
        res.status(400),
        detail,
        section,
        record,
        // Shown again as typed, except anything the identifier screen refuses.
        withoutIdentifiers(displayFromBody(fields, body), Number(detail.context.today.slice(0, 4))),
        toFormErrors(result.errors, errorAnchor(fields)),
        returnToOf(req),
      );
    }
    if (returnToOf(req) === 'check') return res.redirect(`/returns/${detail.period}/check`);
    req.session.flash =
      recordId === undefined ? `Death ${result.record.partner_record_ref} saved` : 'Your changes are saved';
    // After saving: a short summary, with "Add another death" and "Continue to check and submit".
    res.redirect(`/returns/${detail.period}/records/${result.record.id}`);
  };

  router.post('/:period/records/new', recordForm(), (req, res) => saveSection(req, res, 'death', undefined));

  router.get('/:period/records/:id', async (req, res) => {
    const { detail, record } = await loadRecord(req, res);
    const data = recordDataOf(record);
    const problems = completenessErrors(data, detail.context);
    res.render('records/record', {
      title: `Death ${record.partner_record_ref}`,
      record,
      data,
      // The key answers with a link to change each; optional detail only where it was given.
      essentials: fieldsOf('death').filter((f) => !revealedBy[f.name] || isAnswered(f, data)),
      details: fieldsOf('details').filter((f) => isAnswered(f, data)),
      problems: problemLinks(problems),
      displayValue,
      shortLabel,
      fieldAnchor,
      backLink: `/returns/${detail.period}`,
    });
  });

  router.get('/:period/records/:id/linkage', async (req, res) => {
    const { detail, record } = await loadRecord(req, res);
    if (!editableOrBack(req, res, detail)) return;
    res.render('records/linkage', {
      title: 'Linkage identifiers',
      record,
      fields: linkageFieldDefs,
      backLink: `/returns/${detail.period}/records/${record.id}`,
    });
  });

  router.post('/:period/records/:id/linkage', recordForm(), async (req, res) => {
    const { detail, record } = await loadRecord(req, res);
    requireEditable(detail);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const raw = rawFromBody(
      [
        ...linkageFieldDefs.map((f) => ({
          name: f.name,
          kind: f.name === 'date_of_birth' ? 'date' : 'text',
        })),
      ],
      body,
    );
    const result = await records.saveLinkage(
      organisationOf(res),
      detail.period,
      record.id,
      raw,
      actorOf(currentUser(req)),
    );
    if (!result.ok) {
      if ('notEditable' in result) throw new HttpError(403);
      // Identifiers are never sent back to the browser: the user types them again.
      return res.status(400).render('records/linkage', {
        title: 'Linkage identifiers',
        record,
        fields: linkageFieldDefs,
        errors: toFormErrors(result.errors, (f) => (f === 'date_of_birth' ? 'date_of_birth-day' : f)),
        backLink: `/returns/${detail.period}/records/${record.id}`,
      });
    }
    req.session.flash =
      result.derivedAge !== undefined
        ? `Linkage keys saved. Age at death worked out as ${result.derivedAge}`
        : 'Linkage keys saved';
    res.redirect(`/returns/${detail.period}/records/${record.id}`);
  });

  router.post('/:period/records/:id/linkage/remove', validateNoFields(), async (req, res) => {
    const { detail, record } = await loadRecord(req, res);
    refuseRecordChange(
      await records.clearLinkage(organisationOf(res), detail.period, record.id, actorOf(currentUser(req))),
    );
    req.session.flash = 'Linkage keys removed';
    res.redirect(`/returns/${detail.period}/records/${record.id}`);
  });

  const renderWithdraw = (res: Response, detail: ReturnDetail, record: RecordRow, errors?: FormErrors) =>
    res.render('records/withdraw', {
      title: `Withdraw record ${record.partner_record_ref}`,
      record,
      errors,
      reasons: withdrawalReasons,
      backLink: `/returns/${detail.period}/records/${record.id}`,
    });

  router.get('/:period/records/:id/withdraw', async (req, res) => {
    const { detail, record } = await loadRecord(req, res);
    if (!editableOrBack(req, res, detail)) return;
    renderWithdraw(res, detail, record);
  });

  router.post(
    '/:period/records/:id/withdraw',
    validate(withdrawSchema, async (req, res, errors) => {
      const { detail, record } = await loadRecord(req, res);
      renderWithdraw(res, detail, record, errors);
    }),
    async (req, res) => {
      const { detail, record } = await loadRecord(req, res);
      const reason = formOf(res, withdrawSchema).reason;
      refuseRecordChange(
        await records.withdraw(
          organisationOf(res),
          detail.period,
          record.id,
          reason,
          actorOf(currentUser(req)),
        ),
      );
      req.session.flash = `Record ${record.partner_record_ref} withdrawn`;
      res.redirect(`/returns/${detail.period}`);
    },
  );

  router.post('/:period/records/:id/restore', validateNoFields(), async (req, res) => {
    const { detail, record } = await loadRecord(req, res);
    const result = await records.restore(
      organisationOf(res),
      detail.period,
      record.id,
      actorOf(currentUser(req)),
    );
    refuseRecordChange(result);
    req.session.flash = `Record ${record.partner_record_ref} restored`;
    res.redirect(`/returns/${detail.period}/records/${record.id}`);
  });

  router.get('/:period/records/:id/:section', async (req, res) => {
    const section = req.params.section as SectionId;
    if (!SECTION_IDS.includes(section)) throw new HttpError(404);
    const { detail, record } = await loadRecord(req, res);
    if (!editableOrBack(req, res, detail)) return;
    renderSection(
      res,
      detail,
      section,
      record,
      displayFromRecord(fieldsOf(section), recordDataOf(record)),
      undefined,
      returnToOf(req),
    );
  });

  router.post('/:period/records/:id/:section', recordForm(), async (req, res) => {
    const section = req.params.section as SectionId;
    if (!SECTION_IDS.includes(section)) throw new HttpError(404);
    const { record } = await loadRecord(req, res);
    await saveSection(req, res, section, record.id);
  });

  return router;
}
