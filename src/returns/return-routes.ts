// A partner's returns: the list, one month's return, check and submit, nil return and amendment.
import { Router, type Response } from 'express';
import { currentUser } from '../middleware/auth.js';
import { formOf, toFormErrors, validate, type FormErrors } from '../middleware/validation.js';
import { HttpError } from '../lib/http-error.js';
import { checkIdParams } from '../lib/ids.js';
import { formatPeriod } from '../domain/periods.js';
import { amendmentReasons, labelOf } from '../domain/reference.js';
import type { QueriesService } from '../collation/queries.js';
import type { ReturnDetail, ReturnsService } from './service.js';
import type { SignReason } from './signing.js';
import type { AmendReason } from './amendment.js';
import { organisationOf, type ReturnLoaders } from './partner-context.js';
import { recordDataOf } from '../records/repository.js';
import { completenessErrors } from '../records/schema.js';
import { fieldByName, type FieldDef } from '../records/fields.js';
import { displayValue, fieldAnchor, problemLinks, shortLabel } from '../records/display.js';
import { diff } from '../records/diff.js';
import {
  amendmentSchema,
  declarationSchema,
  nilDeclarationSchema,
  reopenRequestSchema,
  startSchema,
} from './schemas.js';

/** Every reason a return cannot be signed, in words (the compiler checks none is missing). */
const submitProblems: Record<Exclude<SignReason, 'not_found'>, string> = {
  too_early: 'You can submit this return from the first day of next month',
  locked: 'This return is locked. Contact the County Community Safety Unit to reopen it',
  already_submitted: 'This return has already been submitted',
  has_records: 'You cannot make a nil return while the return has deaths in it. Withdraw them first',
  no_records: 'Add at least one death, or make a nil return',
  incomplete: 'Some records are incomplete. Complete them before you submit',
  agreement_needed:
    'Your organisation must accept the data-sharing agreement before it can submit. Your return lead can accept it',
};

const amendStatus: Record<AmendReason, number> = { not_found: 404, locked: 403, not_submitted: 409 };

/** The answers the check page shows for each death: enough to recognise it and spot a mistake. */
const checkFields: FieldDef[] = [
  'date_of_death',
  'death_classification',
  'evidence_stage',
  'age_at_death',
  'sex',
  'residence_area',
  'substances',
].map((name) => fieldByName.get(name)!);

export function returnRouter(
  returns: ReturnsService,
  queries: QueriesService,
  loaders: ReturnLoaders,
): Router {
  const router = Router();
  checkIdParams(router);
  const { loadReturn, editableOrBack } = loaders;

  router.get('/', async (_req, res) => {
    res.render('returns/list', {
      title: 'Your returns',
      returns: await returns.overview(organisationOf(res)),
      openQueries: await queries.forOrganisation(organisationOf(res).id, 'open'),
    });
  });

  const renderReturn = (res: Response, detail: ReturnDetail, errors?: FormErrors) =>
    res.render('returns/return', {
      title: `${formatPeriod(detail.period)} return`,
      submissions: detail.submissions,
      amendmentReason: detail.row?.amendment_reason
        ? labelOf(amendmentReasons, detail.row.amendment_reason)
        : null,
      errors,
      backLink: '/returns',
    });

  // A locked return is never a dead end: the partner can ask CCSU to reopen it.
  const reopenMessages = {
    sent: 'Your request has been sent to the County Community Safety Unit. They will email you when the return is reopened',
    already_sent_today: 'You have already asked today. The County Community Safety Unit will reply by email',
    no_recipients:
      'The County Community Safety Unit has no email address set up for requests. Contact them directly to reopen this return',
    not_locked: 'This return is not locked',
  } as const;
  router.post(
    '/:period/reopen-request',
    validate(reopenRequestSchema, async (req, res, errors) =>
      renderReturn(res, await loadReturn(req, res), errors),
    ),
    async (req, res) => {
      const detail = await loadReturn(req, res);
      const outcome = await returns.requestReopen(
        detail,
        currentUser(req),
        formOf(res, reopenRequestSchema).reason,
      );
      req.session.flash = reopenMessages[outcome];
      res.redirect(`/returns/${detail.period}`);
    },
  );

  // After signing in: straight to last month's return while it is still to be made, else the list.
  router.get('/owed', async (_req, res) => {
    const owed = await returns.owed(organisationOf(res));
    res.redirect(owed ? `/returns/${owed}` : '/returns');
  });

  router.get('/:period', async (req, res) => renderReturn(res, await loadReturn(req, res)));

  // The one question an empty return starts with: deaths to report (add them) or none (nil return).
  router.post(
    '/:period/start',
    validate(startSchema, async (req, res, errors) => renderReturn(res, await loadReturn(req, res), errors)),
    async (req, res) => {
      const detail = await loadReturn(req, res);
      if (!editableOrBack(req, res, detail)) return;
      res.redirect(
        `/returns/${detail.period}/${formOf(res, startSchema).any_deaths === 'yes' ? 'records/new' : 'nil'}`,
      );
    },
  );

  // Check answers and submit: each death's key answers, a "Change" link to each that comes back here,
  // what needs fixing as links to the exact field and, during an amendment, what changed.
  const renderCheck = async (res: Response, detail: ReturnDetail, errors?: FormErrors) => {
    const active = (await returns.wholeRecords(detail)).filter((r) => r.record_status === 'active');
    const snapshots = await returns.submittedSnapshots(detail);
    res.render('returns/check', {
      title: `Check your ${formatPeriod(detail.period)} return`,
      deaths: active.map((record) => {
        const data = recordDataOf(record);
        const before = snapshots.get(record.id);
        return {
          record,
          data,
          problems: problemLinks(completenessErrors(data, detail.context)),
          changed: before
            ? diff(before, { ...data, record_status: record.record_status })
                .map((d) => fieldByName.get(d.field))
                .filter((f) => f !== undefined)
                .map((f) => shortLabel(f))
            : null,
        };
      }),
      keyFields: checkFields,
      amending: detail.row?.state === 'reopened',
      displayValue,
      shortLabel,
      fieldAnchor,
      errors,
      backLink: `/returns/${detail.period}`,
    });
  };

  router.get('/:period/check', async (req, res) => {
    const detail = await loadReturn(req, res);
    if (!editableOrBack(req, res, detail)) return;
    await renderCheck(res, detail);
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
        // Sent again after it went through (a double click, a re-send after an error page): its result.
        if (result.reason === 'already_submitted')
          return res.redirect(`/returns/${detail.period}/confirmation`);
        const message = submitProblems[result.reason];
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
      const result = await returns.nilReturn(
        organisationOf(res),
        detail.period,
        currentUser(req),
        formOf(res, nilDeclarationSchema).drafts,
      );
      if (!result.ok) {
        if (result.reason === 'not_found') throw new HttpError(404);
        if (result.reason === 'already_submitted')
          return res.redirect(`/returns/${detail.period}/confirmation`);
        return renderNil(
          res.status(409),
          detail,
          toFormErrors([
            {
              field: 'declaration',
              message: submitProblems[result.reason],
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
      // Amending is never offered on a locked or unsubmitted return, so reaching here is a stale page.
      if (!result.ok) throw new HttpError(amendStatus[result.reason]);
      req.session.flash = 'You can now change this return. Submit it again when you have finished';
      res.redirect(`/returns/${detail.period}`);
    },
  );

  return router;
}
