// CCSU's areas page: each area's GSS code and population by year, and the population file upload.
import { Router, type Response } from 'express';
import { z } from 'zod';
import { actorOf } from '../audit/audit.js';
import { sourceField } from '../lib/form-fields.js';
import { currentUser, requireCcsu } from '../middleware/auth.js';
import { fileHasProblems, receiveOneFile, uploadedFile } from '../middleware/file-upload.js';
import { formOf, validate, type FormErrors } from '../middleware/validation.js';
import type { AreasService } from './service.js';

const populationFormSchema = z.object({
  source: sourceField('Say where the figures come from', 'ONS mid-year estimates 2024, released July 2025'),
});

const decimal = (label: string) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,4}(\.\d{1,2})?$/, `Enter ${label} as a number, like 8.1`)
    .transform(Number);

/** England's age-standardised rate for a year as ONS publishes it, with its 95% interval. */
const englandFormSchema = z
  .object({
    englandYear: z
      .string()
      .trim()
      .regex(/^\d{4}$/, 'Enter the year, like 2024')
      .transform(Number)
      .pipe(z.number().min(2000, 'Enter a year from 2000').max(2100, 'Enter a year before 2100')),
    englandRate: decimal('the rate'),
    englandLower: decimal('the lower limit'),
    englandUpper: decimal('the upper limit'),
    englandSource: sourceField(
      'Say where the figure comes from',
      'ONS, Deaths related to drug poisoning in England and Wales: 2024 registrations',
    ),
  })
  .refine((f) => f.englandLower <= f.englandRate, {
    path: ['englandLower'],
    message: 'The lower limit must not be above the rate',
  })
  .refine((f) => f.englandUpper >= f.englandRate, {
    path: ['englandUpper'],
    message: 'The upper limit must not be below the rate',
  });

export function areasRouter(areas: AreasService): Router {
  const router = Router();
  router.use(requireCcsu);

  const render = async (
    res: Response,
    values: Record<string, unknown> = {},
    errors?: FormErrors,
    problems: string[] = [],
  ) =>
    res.render('areas/areas', {
      title: 'Areas and populations',
      ...(await areas.withPopulations()),
      englandRates: await areas.englandRates(),
      values,
      errors,
      problems,
    });

  router.get('/areas', (_req, res) => render(res));

  router.post(
    '/areas/populations',
    receiveOneFile({ maxBytes: 1024 * 1024 }),
    validate(populationFormSchema, (req, res, errors) =>
      render(res, req.body as Record<string, unknown>, errors),
    ),
    async (req, res) => {
      const { source } = formOf(res, populationFormSchema);
      const { file, errors } = uploadedFile(req, res, 'Select the CSV file of populations');
      if (errors) return render(res.status(400), { source }, errors);
      const result = await areas.loadPopulations(file.buffer, source, actorOf(currentUser(req)));
      if (!result.ok) return render(res.status(400), { source }, fileHasProblems(), result.problems);
      req.session.flash = `Populations loaded: ${result.rows} areas and years for ${result.years.join(', ')}${result.byAge ? ', by age (for age-standardised rates)' : ''}`;
      res.redirect('/ccsu/areas');
    },
  );
  router.post(
    '/areas/england',
    validate(englandFormSchema, (req, res, errors) =>
      render(res, req.body as Record<string, unknown>, errors),
    ),
    async (req, res) => {
      const form = formOf(res, englandFormSchema);
      await areas.saveEnglandRate(
        {
          year: form.englandYear,
          rate: form.englandRate,
          lower: form.englandLower,
          upper: form.englandUpper,
          source: form.englandSource,
        },
        actorOf(currentUser(req)),
      );
      req.session.flash = `England’s rate for ${form.englandYear} saved`;
      res.redirect('/ccsu/areas#england');
    },
  );
  return router;
}
