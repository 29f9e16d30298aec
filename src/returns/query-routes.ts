// Answering a data-quality question CCSU asked about one of this organisation's records.
import { Router, type Request, type Response } from 'express';
import { currentUser } from '../middleware/auth.js';
import { actorOf } from '../audit/audit.js';
import { formOf, toFormErrors, validate, type FormErrors } from '../middleware/validation.js';
import { HttpError } from '../lib/http-error.js';
import { checkIdParams } from '../lib/ids.js';
import { queryAnswerSchema } from './schemas.js';
import { fieldLabel } from '../records/schema.js';
import type { QueriesService } from '../collation/queries.js';
import { organisationOf } from './partner-context.js';

const closedMeanwhile =
  'The County Community Safety Unit closed this question while you were answering it, so your answer has not been sent. Copy it from the box below if you still want them to have it';

export function queryAnswersRouter(queries: QueriesService): Router {
  const router = Router();
  checkIdParams(router);
  const answerSchema = queryAnswerSchema;
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
      const result = await queries.answer(
        Number(req.params.id),
        organisationOf(res).id,
        formOf(res, answerSchema).answer,
        actorOf(currentUser(req)),
      );
      if (!result.ok && result.reason === 'not_found') throw new HttpError(404);
      // Closed while the partner was writing: the page comes back with their answer still in the box.
      if (!result.ok)
        return renderQuery(
          req,
          res.status(409),
          toFormErrors([{ field: 'answer', message: closedMeanwhile }]),
        );
      req.session.flash = 'Thank you: your answer has been sent';
      res.redirect('/returns');
    },
  );

  return router;
}
