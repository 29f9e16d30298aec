// Bulk upload pages for a partner: template downloads, the upload form, the preview and the confirm.
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Config } from '../config.js';
import { loadPartnerOrganisation, organisationOf } from '../returns/partner-context.js';
import { formatPeriod } from '../domain/periods.js';
import { HttpError } from '../lib/http-error.js';
import { currentUser, requirePartner } from '../middleware/auth.js';
import { toFormErrors, validateNoFields, type FormErrors } from '../middleware/validation.js';
import { receiveOneFile, uploadedFile } from '../middleware/file-upload.js';
import type { ReturnDetail, ReturnsService } from '../returns/service.js';
import { streamCsv } from '../lib/exports.js';
import { columnByName } from './columns.js';
import { ERRORS_PAGE_SIZE, type UploadsService, type ConfirmFailure } from './service.js';
import { sendCsvTemplate, sendXlsxTemplate } from './template.js';
import { checkIdParams } from '../lib/ids.js';

/** What each reason a confirm can fail for says to the partner (the compiler checks every reason is here). */
const confirmProblems: Record<Exclude<ConfirmFailure, 'not_found'>, string> = {
  already_confirmed: 'This file has already been applied to your return',
  expired: 'This preview has expired. Upload the file again',
  has_errors: 'Fix the problems in the file and upload it again',
  changed:
    'Your return changed after this file was checked. Upload the file again to check it against the return as it is now',
  not_editable: 'This return cannot be changed now',
};

export function uploadsRouter(config: Config, uploads: UploadsService, returns: ReturnsService): Router {
  const router = Router();
  checkIdParams(router);
  router.use(requirePartner, loadPartnerOrganisation());
  const maxMb = Math.round(config.uploads.maxBytes / 1024 / 1024);

  router.get('/template.csv', (_req, res) => sendCsvTemplate(res));
  router.get('/template.xlsx', (_req, res) => sendXlsxTemplate(res));

  const editableDetail = async (req: Request, res: Response) => {
    const detail = await returns.detail(organisationOf(res), String(req.params.period));
    if (!detail) throw new HttpError(404);
    if (!detail.editable) throw new HttpError(403);
    res.locals.monthName = formatPeriod(detail.period);
    return detail;
  };

  const renderForm = (res: Response, period: string, errors?: FormErrors) => {
    res.render('uploads/upload', {
      title: `Upload a spreadsheet – ${formatPeriod(period)} return`,
      period,
      maxMb,
      maxRows: config.uploads.maxRows,
      errors,
      backLink: `/returns/${period}`,
    });
  };

  router.get('/:period/upload', async (req, res) => {
    const detail = await editableDetail(req, res);
    renderForm(res, detail.period);
  });

  // The file arrives first (multipart), then the form's other fields are checked like any POST.
  const receive = receiveOneFile({ maxBytes: config.uploads.maxBytes });
  const receiveFile = async (req: Request, res: Response, next: NextFunction) => {
    res.locals.uploadDetail = await editableDetail(req, res);
    await receive(req, res, next);
  };

  router.post('/:period/upload', receiveFile, validateNoFields(), async (req, res) => {
    const detail = res.locals.uploadDetail as ReturnDetail;
    const { file, errors } = uploadedFile(req, res, 'Select a CSV or Excel file');
    if (errors) return renderForm(res.status(400), detail.period, errors);
    const result = await uploads.preview(organisationOf(res), detail.period, currentUser(req), {
      name: Buffer.from(file.originalname, 'latin1').toString('utf8'),
      buffer: file.buffer,
    });
    file.buffer = Buffer.alloc(0); // forget the file as soon as it has been read
    if (!result.ok) {
      if ('notEditable' in result) throw new HttpError(403);
      return renderForm(
        res.status(400),
        detail.period,
        toFormErrors([{ field: 'file', message: result.message }]),
      );
    }
    res.redirect(`/returns/${detail.period}/upload/${result.uploadId}`);
  });

  const loadUpload = async (req: Request, res: Response) => {
    const upload = await uploads.find(
      organisationOf(res),
      String(req.params.period),
      Number(req.params.id) || -1,
    );
    if (!upload) throw new HttpError(404);
    res.locals.monthName = formatPeriod(upload.period);
    return upload;
  };

  router.get('/:period/upload/:id', async (req, res) => {
    const upload = await loadUpload(req, res);
    const page = Math.max(1, Math.min(100_000, Number(req.query.page) || 1));
    const rows = upload.status === 'pending' ? await uploads.problemRows(upload.id, page) : [];
    const pages = Math.max(1, Math.ceil(upload.counts.errorRows / ERRORS_PAGE_SIZE));
    res.render('uploads/preview', {
      title: `Check your file – ${formatPeriod(upload.period)} return`,
      upload,
      rows,
      page,
      pages,
      labelOf: (field: string) => columnByName.get(field)?.label ?? field,
      errors: upload.counts.errors
        ? {
            list: rows
              .slice(0, 10)
              .flatMap((r) =>
                r.problems.map((p) => ({
                  text: `Row ${r.row}, ${p.field}: ${p.message}`,
                  href: `#row-${r.row}`,
                })),
              )
              .slice(0, 10),
            byField: {},
          }
        : undefined,
      confirmProblem: Object.hasOwn(confirmProblems, String(req.query.problem))
        ? confirmProblems[String(req.query.problem) as keyof typeof confirmProblems]
        : undefined,
      backLink: `/returns/${upload.period}/upload`,
    });
  });

  router.get('/:period/upload/:id/problems.csv', async (req, res) => {
    const upload = await loadUpload(req, res);
    await streamCsv(
      res,
      `problems-${upload.file_name.replace(/[^\w.-]+/g, '_')}.csv`,
      [
        { header: 'row', value: (p) => p.row_number },
        { header: 'cell', value: (p) => p.cell },
        { header: 'column', value: (p) => p.field },
        { header: 'question', value: (p) => columnByName.get(p.field)?.label ?? p.field },
        { header: 'value', value: (p) => p.value },
        { header: 'problem', value: (p) => p.message },
      ],
      uploads.allProblems(upload.id),
    );
  });

  router.post('/:period/upload/:id/confirm', validateNoFields(), async (req, res) => {
    const upload = await loadUpload(req, res);
    const result = await uploads.confirm(organisationOf(res), upload.period, upload.id, currentUser(req));
    if (!result.ok) {
      if (result.reason === 'not_found') throw new HttpError(404);
      if (result.reason === 'already_confirmed') {
        req.session.flash = confirmProblems.already_confirmed;
        return res.redirect(`/returns/${upload.period}`);
      }
      return res.redirect(`/returns/${upload.period}/upload/${upload.id}?problem=${result.reason}`);
    }
    const c = result.counts;
    req.session.flash =
      c.new + c.updated + c.withdrawn === 0
        ? 'Nothing changed: every row in the file matches what is already in your return'
        : `File applied: ${c.new} added, ${c.updated} updated, ${c.withdrawn} withdrawn, ${c.unchanged} unchanged`;
    res.redirect(`/returns/${upload.period}`);
  });

  return router;
}
