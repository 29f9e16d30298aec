import { Router, type NextFunction, type Request, type Response } from 'express';
import { currentUser, requirePartner } from '../middleware/auth.js';
import { formOf, toFormErrors, validate, type FormErrors } from '../middleware/validation.js';
import { HttpError } from '../lib/http-error.js';
import type { Organisation } from '../db/types.js';
import type { OrganisationsService } from '../organisations/service.js';
import { formatPeriod } from '../domain/periods.js';
import { amendmentReasons, labelOf, withdrawalReasons } from '../domain/reference.js';
import { fieldsOf, linkageFieldDefs, sections, type SectionId } from '../records/fields.js';
import { completenessErrors, fieldLabel } from '../records/schema.js';
import { recordDataOf } from '../records/repository.js';
import { displayFromBody, displayFromRecord, errorAnchor, rawFromBody } from '../records/form.js';
import type { RecordsService } from './records-service.js';
import type { ReturnDetail, ReturnsService } from './service.js';
import type { QueriesService } from '../collation/queries.js';
import { z } from 'zod';
import { amendmentSchema, declarationSchema, nilDeclarationSchema, withdrawSchema } from './schemas.js';
import type { RecordRow } from '../db/types.js';
import { checkIdParams } from '../lib/ids.js';
import { screened, withoutIdentifiers } from '../domain/identifiers.js';

const SECTION_IDS = sections.map((s) => s.id);

function organisationOf(res: Response): Organisation {
  return res.locals.organisation as Organisation;
}

function sectionStatus(
  record: RecordRow,
  section: SectionId,
  errors: { field: string }[],
): 'Completed' | 'Incomplete' | 'Not started' {
  const fields = fieldsOf(section);
  const data = recordDataOf(record);
  const touched = fields.some((f) => {
    const v = data[f.name as keyof typeof data];
    return Array.isArray(v) ? v.length > 0 : v !== null && v !== false;
  });
  if (!touched) return 'Not started';
  return errors.some((e) => fields.some((f) => f.name === e.field)) ? 'Incomplete' : 'Completed';
}

const submitProblems: Record<string, string> = {
  too_early: 'You can submit this return from the first day of next month',
  locked: 'This return is locked. Contact the County Community Safety Unit to reopen it',
  already_submitted: 'This return has already been submitted',
  has_records: 'You cannot make a nil return while the return has deaths in it. Withdraw them first',
  no_records: 'Add at least one death, or make a nil return',
  incomplete: 'Some records are incomplete. Complete them before you submit',
};

export function returnsRouter(
  returns: ReturnsService,
  records: RecordsService,
  organisations: OrganisationsService,
  queries: QueriesService,
  /** Routers that need the signed-in partner's organisation (the bulk upload), mounted first. */
  mounted: Router[] = [],
): Router {
  const router = Router();
  checkIdParams(router);
  router.use(requirePartner);
  router.use(async (req: Request, res: Response, next: NextFunction) => {
    const organisation = await organisations.find(currentUser(req).organisation_id!);
    if (!organisation) throw new HttpError(403);
    res.locals.organisation = organisation;
    next();
  });
  for (const child of mounted) router.use(child);

  /** Every return route starts here: the period must be one of this organisation's returns. */
  const loadReturn = async (req: Request, res: Response): Promise<ReturnDetail> => {
    const page = Math.min(100_000, Math.max(1, Number.parseInt(String(req.query.page ?? '1'), 10) || 1));
    const detail = await returns.detail(organisationOf(res), String(req.params.period), page);
    if (!detail) throw new HttpError(404);
    res.locals.detail = detail;
    res.locals.monthName = formatPeriod(detail.period);
    return detail;
  };

  const loadRecord = async (req: Request, res: Response) => {
    const detail = await loadReturn(req, res);
    const record = await returns.record(detail, Number(req.params.id));
    if (!record) throw new HttpError(404);
    return { detail, record };
  };

  const requireEditable = (detail: ReturnDetail) => {
    if (!detail.editable) throw new HttpError(403, 'return not editable');
  };

  /** A page for changing a submitted or locked return sends the user back to it, saying why. */
  const editableOrBack = (req: Request, res: Response, detail: ReturnDetail): boolean => {
    if (detail.editable) return true;
    req.session.flash = detail.locked
      ? 'This return is locked. Contact the County Community Safety Unit if it needs to change'
      : 'This return has been submitted. To change it, amend the return';
    res.redirect(`/returns/${detail.period}`);
    return false;
  };

  router.get('/', async (_req, res) => {
    res.render('returns/list', {
      title: 'Your returns',
      returns: await returns.overview(organisationOf(res)),
      openQueries: await queries.forOrganisation(organisationOf(res).id, 'open'),
    });
  });

  // Data-quality questions from CCSU about this organisation's records.
  const answerSchema = z.object({
    answer: z
      .string({ error: 'Enter your answer' })
      .trim()
      .min(1, 'Enter your answer')
      .max(500, 'Answer must be 500 characters or fewer')
      .superRefine(screened('Your answer')),
  });
  const renderQuery = async (req: Request, res: Response, errors?: FormErrors) => {
    const query = await queries.findForOrganisation(Number(req.params.id), organisationOf(res).id);
    if (!query) throw new HttpError(404);
    res.render('returns/query', {
      title: 'A question from the County Community Safety Unit',
      query,
      fieldLabel,
      errors,
      values: req.method === 'POST' ? req.body : {},
      backLink: '/returns',
    });
  };
  router.get('/queries/:id', (req, res) => renderQuery(req, res));
  router.post(
    '/queries/:id',
    validate(answerSchema, (req, res, errors) => renderQuery(req, res, errors)),
    async (req, res) => {
      const ok = await queries.answer(
        Number(req.params.id),
        organisationOf(res).id,
        formOf(res, answerSchema).answer,
        currentUser(req),
      );
      if (!ok) throw new HttpError(404);
      req.session.flash = 'Thank you: your answer has been sent';
      res.redirect('/returns');
    },
  );

  router.get('/:period', async (req, res) => {
    const detail = await loadReturn(req, res);
    res.render('returns/return', {
      title: `${formatPeriod(detail.period)} return`,
      submissions: detail.row ? await returns.submissions(detail.row.id) : [],
      amendmentReason: detail.row?.amendment_reason
        ? labelOf(amendmentReasons, detail.row.amendment_reason)
        : null,
      backLink: '/returns',
    });
  });

  // Records: the first section creates the record.
  const renderSection = (
    res: Response,
    detail: ReturnDetail,
    section: SectionId,
    record: RecordRow | undefined,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) => {
    const fields = fieldsOf(section);
    res.render('records/section', {
      title: sections.find((s) => s.id === section)!.title,
      section,
      fields,
      record,
      values,
      errors,
      action: record
        ? `/returns/${detail.period}/records/${record.id}/${section}`
        : `/returns/${detail.period}/records/new`,
      backLink: record ? `/returns/${detail.period}/records/${record.id}` : `/returns/${detail.period}`,
    });
  };

  router.get('/:period/records/new', async (req, res) => {
    const detail = await loadReturn(req, res);
    if (!editableOrBack(req, res, detail)) return;
    renderSection(res, detail, 'death', undefined, {});
  });

  const nextSection = (section: SectionId): string => {
    const index = SECTION_IDS.indexOf(section);
    return index < SECTION_IDS.length - 1 ? SECTION_IDS[index + 1]! : 'linkage';
  };

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
      currentUser(req),
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
      );
    }
    res.redirect(`/returns/${detail.period}/records/${result.record.id}/${nextSection(section)}`);
  };

  router.post('/:period/records/new', (req, res) => saveSection(req, res, 'death', undefined));

  router.get('/:period/records/:id', async (req, res) => {
    const { detail, record } = await loadRecord(req, res);
    const errors = completenessErrors(recordDataOf(record), detail.context);
    res.render('records/record', {
      title: `Record ${record.partner_record_ref}`,
      record,
      data: recordDataOf(record),
      errors: undefined,
      problems: errors,
      sectionStatuses: Object.fromEntries(SECTION_IDS.map((id) => [id, sectionStatus(record, id, errors)])),
      sections,
      fieldsOf,
      fieldLabel,
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

  router.post('/:period/records/:id/linkage', async (req, res) => {
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
      currentUser(req),
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

  router.post('/:period/records/:id/linkage/remove', async (req, res) => {
    const { detail, record } = await loadRecord(req, res);
    requireEditable(detail);
    if (!(await records.clearLinkage(organisationOf(res), detail.period, record.id, currentUser(req))))
      throw new HttpError(403);
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
      requireEditable(detail);
      const ok = await records.withdraw(
        organisationOf(res),
        detail.period,
        record.id,
        formOf(res, withdrawSchema).reason,
        currentUser(req),
      );
      if (!ok) throw new HttpError(403);
      req.session.flash = `Record ${record.partner_record_ref} withdrawn`;
      res.redirect(`/returns/${detail.period}`);
    },
  );

  router.post('/:period/records/:id/restore', async (req, res) => {
    const { detail, record } = await loadRecord(req, res);
    requireEditable(detail);
    if (!(await records.restore(organisationOf(res), detail.period, record.id, currentUser(req))))
      throw new HttpError(403);
    req.session.flash = `Record ${record.partner_record_ref} restored`;
    res.redirect(`/returns/${detail.period}/records/${record.id}`);
  });

  router.get('/:period/records/:id/:section', async (req, res) => {
    const section = req.params.section as SectionId;
    if (!SECTION_IDS.includes(section)) throw new HttpError(404);
    const { detail, record } = await loadRecord(req, res);
    if (!editableOrBack(req, res, detail)) return;
    renderSection(res, detail, section, record, displayFromRecord(fieldsOf(section), recordDataOf(record)));
  });

  router.post('/:period/records/:id/:section', async (req, res) => {
    const section = req.params.section as SectionId;
    if (!SECTION_IDS.includes(section)) throw new HttpError(404);
    const { record } = await loadRecord(req, res);
    await saveSection(req, res, section, record.id);
  });

  // Check answers and submit.
  const renderCheck = (res: Response, detail: ReturnDetail, errors?: FormErrors) => {
    res.render('returns/check', {
      title: `Check your ${formatPeriod(detail.period)} return`,
      active: detail.records.filter((r) => r.record_status === 'active'),
      errors,
      backLink: `/returns/${detail.period}`,
    });
  };

  router.get('/:period/check', async (req, res) => {
    const detail = await loadReturn(req, res);
    if (!editableOrBack(req, res, detail)) return;
    renderCheck(res, detail);
  });

  router.post(
    '/:period/submit',
    validate(declarationSchema, async (req, res, errors) =>
      renderCheck(res, await loadReturn(req, res), errors),
    ),
    async (req, res) => {
      const detail = await loadReturn(req, res);
      const result = await returns.submit(organisationOf(res), detail.period, currentUser(req));
      if (!result.ok) {
        if (result.reason === 'not_found') throw new HttpError(404);
        const message = submitProblems[result.reason] ?? 'This return cannot be submitted';
        return renderCheck(
          res.status(409),
          await loadReturn(req, res),
          toFormErrors([{ field: 'declaration', message }]),
        );
      }
      res.redirect(`/returns/${detail.period}/confirmation`);
    },
  );

  router.get('/:period/confirmation', async (req, res) => {
    const detail = await loadReturn(req, res);
    if (!detail.row?.reference || (detail.row.state !== 'submitted' && detail.row.state !== 'nil'))
      return res.redirect(`/returns/${detail.period}`);
    res.render('returns/confirmation', { title: 'Return submitted', row: detail.row });
  });

  // Nil return.
  const renderNil = (res: Response, detail: ReturnDetail, errors?: FormErrors) =>
    res.render('returns/nil', {
      title: `Nil return for ${formatPeriod(detail.period)}`,
      errors,
      backLink: `/returns/${detail.period}`,
    });

  router.get('/:period/nil', async (req, res) => {
    const detail = await loadReturn(req, res);
    if (!editableOrBack(req, res, detail)) return;
    renderNil(res, detail);
  });

  router.post(
    '/:period/nil',
    validate(nilDeclarationSchema, async (req, res, errors) =>
      renderNil(res, await loadReturn(req, res), errors),
    ),
    async (req, res) => {
      const detail = await loadReturn(req, res);
      const result = await returns.nilReturn(organisationOf(res), detail.period, currentUser(req));
      if (!result.ok) {
        if (result.reason === 'not_found') throw new HttpError(404);
        return renderNil(
          res.status(409),
          detail,
          toFormErrors([
            {
              field: 'declaration',
              message: submitProblems[result.reason] ?? 'This nil return cannot be made',
            },
          ]),
        );
      }
      res.redirect(`/returns/${detail.period}/confirmation`);
    },
  );

  // Amend after submission.
  const renderAmend = (res: Response, values: Record<string, unknown>, errors?: FormErrors) =>
    res.render('returns/amend', {
      title: 'Amend this return',
      values,
      errors,
      reasons: amendmentReasons,
      backLink: `/returns/${(res.locals.detail as ReturnDetail).period}`,
    });

  router.get('/:period/amend', async (req, res) => {
    const detail = await loadReturn(req, res);
    // Never a dead end: a return that cannot be amended says why, on the return's own page.
    if (detail.locked) {
      req.session.flash =
        'This return is locked: the County Community Safety Unit has collated the month. To change it, ask them to reopen your return';
      return res.redirect(`/returns/${detail.period}`);
    }
    if (!(detail.row?.state === 'submitted' || detail.row?.state === 'nil')) {
      req.session.flash =
        'This return has not been submitted yet, so you can change it here without amending it';
      return res.redirect(`/returns/${detail.period}`);
    }
    renderAmend(res, {});
  });

  router.post(
    '/:period/amend',
    validate(amendmentSchema, async (req, res, errors) => {
      await loadReturn(req, res);
      renderAmend(res, req.body as Record<string, unknown>, errors);
    }),
    async (req, res) => {
      const detail = await loadReturn(req, res);
      const form = formOf(res, amendmentSchema);
      const result = await returns.startAmendment(organisationOf(res), detail.period, currentUser(req), {
        code: form.reason,
        text: form.reason_text || null,
      });
      if (!result.ok) throw new HttpError(result.reason === 'not_found' ? 404 : 403);
      req.session.flash = 'You can now change this return. Submit it again when you have finished';
      res.redirect(`/returns/${detail.period}`);
    },
  );

  return router;
}
