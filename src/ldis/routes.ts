// CCSU's LDIS alerts: the list (with linked cases), one alert and its cases, and the form to add one.
import { Router, type Response } from 'express';
import { z } from 'zod';
import { actorOf } from '../audit/audit.js';
import { screened } from '../domain/identifiers.js';
import * as ref from '../domain/reference.js';
import { HttpError } from '../lib/http-error.js';
import { checkIdParams } from '../lib/ids.js';
import { dateParts, isoDateFromParts, optionalHttpsLink } from '../lib/form-fields.js';
import { currentUser, requireCcsu } from '../middleware/auth.js';
import {
  formOf,
  toFormErrors,
  validate,
  validateNoFields,
  type FormErrors,
} from '../middleware/validation.js';
import { fileHasProblems, receiveOneFile, uploadedFile } from '../middleware/file-upload.js';
import type { LdisService } from './service.js';

export const severities = [
  ['information', 'Information'],
  ['warning', 'Warning'],
  ['urgent', 'Urgent'],
] as const;

const codes = (allowed: readonly string[], message: string, min: number) =>
  z
    .union([z.string(), z.array(z.string())])
    .default([])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .pipe(z.array(z.enum(allowed as [string, ...string[]])).min(min, message));

const ldisSchema = z
  .object({
    reference: z
      .string({ error: 'Enter the alert’s reference' })
      .trim()
      .min(1, 'Enter the alert’s reference')
      .max(20, 'The reference must be 20 characters or fewer')
      .regex(
        /^[A-Za-z0-9\-_/ .]+$/,
        'The reference must only include letters, numbers, spaces, hyphens, slashes and full stops',
      )
      .superRefine(screened('The reference')),
    title: z
      .string({ error: 'Enter the alert’s title' })
      .trim()
      .min(1, 'Enter the alert’s title')
      .max(200, 'The title must be 200 characters or fewer')
      .superRefine(screened('The title')),
    ...dateParts('issued_on'),
    substances: codes(ref.codesOf(ref.substances), 'Choose at least one substance the alert is about', 1),
    areas: codes(ref.codesOf(ref.districts), 'Choose the areas', 0),
    severity: z.enum(['information', 'warning', 'urgent'], 'Choose how serious the alert is'),
    link: optionalHttpsLink(),
  })
  .transform((v, ctx) => {
    const date = isoDateFromParts(v['issued_on-day'], v['issued_on-month'], v['issued_on-year']);
    if (!date) {
      ctx.addIssue({
        code: 'custom',
        path: ['issued_on'],
        message: 'Enter the date the alert was issued, like 3 11 2026',
      });
      return z.NEVER;
    }
    return {
      reference: v.reference.toUpperCase(),
      title: v.title,
      issued_on: date,
      substances: v.substances,
      areas: v.areas,
      severity: v.severity,
      link: v.link || null,
    };
  });

export function ldisRouter(ldis: LdisService): Router {
  const router = Router();
  checkIdParams(router);
  router.use(requireCcsu);

  const renderList = async (res: Response, errors?: FormErrors, problems: string[] = []) =>
    res.render('ldis/list', {
      title: 'LDIS alerts',
      alerts: await ldis.list(),
      severities,
      errors,
      problems,
    });

  router.get('/ldis', (_req, res) => renderList(res));

  // Several alerts at once from a CSV: all or nothing; alerts already here are left as they are.
  router.post(
    '/ldis/upload',
    receiveOneFile({ maxBytes: 1024 * 1024 }),
    validateNoFields(),
    async (req, res) => {
      const { file, errors } = uploadedFile(req, res, 'Select a CSV file of alerts');
      if (errors) return renderList(res.status(400), errors);
      const result = await ldis.loadFile(file.buffer, actorOf(currentUser(req)));
      if (!result.ok) return renderList(res.status(400), fileHasProblems(), result.problems);
      req.session.flash = `LDIS alerts loaded: ${result.added} added${result.alreadyHere ? `, ${result.alreadyHere} already here` : ''}`;
      res.redirect('/ccsu/ldis');
    },
  );

  const renderNew = (res: Response, values: Record<string, unknown>, errors?: FormErrors) =>
    res.render('ldis/new', {
      title: 'Add an LDIS alert',
      values,
      errors,
      severities,
      backLink: '/ccsu/ldis',
    });

  router.get('/ldis/new', (_req, res) => renderNew(res, {}));

  router.post(
    '/ldis/new',
    validate(ldisSchema, (req, res, errors) => renderNew(res, req.body as Record<string, unknown>, errors)),
    async (req, res) => {
      const form = formOf(res, ldisSchema);
      const result = await ldis.create(form, actorOf(currentUser(req)));
      if (result === 'reference_exists')
        return renderNew(
          res.status(400),
          req.body as Record<string, unknown>,
          toFormErrors([
            { field: 'reference', message: `An alert with the reference ${form.reference} is already here` },
          ]),
        );
      req.session.flash = `LDIS alert ${form.reference} added`;
      res.redirect('/ccsu/ldis');
    },
  );

  router.get('/ldis/:id', async (req, res) => {
    const found = await ldis.find(Number(req.params.id));
    if (!found) throw new HttpError(404);
    res.render('ldis/alert', {
      title: `LDIS alert ${found.alert.reference}`,
      ...found,
      severities,
      backLink: '/ccsu/ldis',
    });
  });

  return router;
}
