// Answering a data-quality question CCSU asked about one of this organisation's records.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { currentUser } from '../middleware/auth.js';
import { formOf, validate, type FormErrors } from '../middleware/validation.js';
import { HttpError } from '../lib/http-error.js';
import { checkIdParams } from '../lib/ids.js';
import { screened } from '../domain/identifiers.js';
import { fieldLabel } from '../records/schema.js';
import type { QueriesService } from '../collation/queries.js';
import { organisationOf } from './partner-context.js';

export function queryAnswersRouter(queries: QueriesService): Router {
  const router = Router();
  checkIdParams(router);
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

  return router;
}
