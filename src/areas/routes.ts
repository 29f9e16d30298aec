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
  return router;
}
