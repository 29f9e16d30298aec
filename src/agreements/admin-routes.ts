// CCSU's side of data-sharing agreements: publish a version, and see which organisations have accepted
// which version, by whom and when.
import { Router, type Request, type Response } from 'express';
import { actorOf } from '../audit/audit.js';
import { HttpError } from '../lib/http-error.js';
import { checkIdParams } from '../lib/ids.js';
import { currentUser, requireAdmin } from '../middleware/auth.js';
import { formOf, toFormErrors, validate, type FormErrors } from '../middleware/validation.js';
import { publishAgreementSchema } from './schemas.js';
import type { AgreementsService } from './service.js';

export function agreementsAdminRouter(agreements: AgreementsService): Router {
  const router = Router();
  checkIdParams(router);
  router.use(requireAdmin);

  router.get('/', async (_req, res) => {
    const current = await agreements.current();
    res.render('agreements/list', {
      title: 'Data-sharing agreements',
      versions: await agreements.list(),
      current,
      overview: current ? await agreements.overview(current.id) : undefined,
    });
  });

  const renderNew = (_req: Request, res: Response, values: Record<string, unknown>, errors?: FormErrors) =>
    res.render('agreements/new', {
      title: 'Publish a data-sharing agreement',
      values,
      errors,
      backLink: '/admin/agreements',
    });

  router.get('/new', (req, res) => renderNew(req, res, {}));

  router.post(
    '/new',
    validate(publishAgreementSchema, (req, res, errors) =>
      renderNew(req, res, req.body as Record<string, unknown>, errors),
    ),
    async (req, res) => {
      const form = formOf(res, publishAgreementSchema);
      const result = await agreements.publish(form, actorOf(currentUser(req)));
      if (result === 'version_exists')
        return renderNew(
          req,
          res.status(400),
          req.body as Record<string, unknown>,
          toFormErrors([{ field: 'version', message: `Version ${form.version} has already been published` }]),
        );
      req.session.flash = `Version ${form.version} published. Each organisation’s return lead will be asked to accept it`;
      res.redirect('/admin/agreements');
    },
  );

  router.get('/:id', async (req, res) => {
    const overview = await agreements.overview(Number(req.params.id));
    if (!overview) throw new HttpError(404);
    res.render('agreements/version', {
      title: `Agreement version ${overview.agreement.version}`,
      overview,
      backLink: '/admin/agreements',
    });
  });

  return router;
}
