// A partner organisation's submission keys (issue #26), managed by its return lead: create one for a
// system (shown once, stored hashed, expiring), see when each was last used, revoke it. A key acts
// for this organisation only.
import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { can } from '../domain/permissions.js';
import { HttpError } from '../lib/http-error.js';
import { checkIdParams, rowId } from '../lib/ids.js';
import { currentUser, partnerOrganisationOf, requirePartner } from '../middleware/auth.js';
import { formOf, validate, validateNoFields, type FormErrors } from '../middleware/validation.js';
import type { ApiTokensService } from './tokens.js';

export const keyLifetimes = [
  ['90', '90 days'],
  ['365', '1 year'],
] as const;

const createForm = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'Enter a name that says which system uses the key')
    .max(100, 'The name must be 100 characters or fewer'),
  days: z.enum(['90', '365'], { error: 'Choose how long the key lasts' }).transform(Number),
});

function requireReturnLead(req: Request, _res: Response, next: NextFunction) {
  if (!can(currentUser(req), 'manage_own_organisation')) throw new HttpError(403);
  next();
}

export function submissionKeysRouter(tokens: ApiTokensService, publicUrl: string): Router {
  const router = Router();
  checkIdParams(router);
  router.use(requirePartner, requireReturnLead);

  const render = async (req: Request, res: Response, values: Record<string, unknown>, errors?: FormErrors) =>
    res.render('organisations/submission-keys', {
      title: 'Submission keys',
      organisation: partnerOrganisationOf(req),
      keys: await tokens.listSubmitKeys(partnerOrganisationOf(req).id),
      values,
      errors,
      keyLifetimes,
    });

  router.get('/', (req, res) => render(req, res, { days: '365' }));

  router.post(
    '/',
    validate(createForm, (req, res, errors) => render(req, res, req.body as Record<string, unknown>, errors)),
    async (req, res) => {
      const form = formOf(res, createForm);
      const organisation = partnerOrganisationOf(req);
      const key = await tokens.issue(
        { name: form.name, scope: 'submit', days: form.days, organisationId: organisation.id },
        currentUser(req),
      );
      res.set('Cache-Control', 'no-store').render('organisations/submission-key-created', {
        title: 'Submission key created',
        key,
        name: form.name,
        example: `${publicUrl}/api/v1/submission/returns`,
      });
    },
  );

  router.post('/:id/revoke', validateNoFields(), async (req, res) => {
    const id = rowId().safeParse(req.params.id);
    if (!id.success) throw new HttpError(404);
    const result = await tokens.revoke(id.data, currentUser(req), partnerOrganisationOf(req).id);
    if (!result.ok && result.reason === 'not_found') throw new HttpError(404);
    req.session.flash = result.ok
      ? 'Key revoked: it no longer works'
      : 'Key was already revoked: it no longer works';
    res.redirect('/organisation/submission-keys');
  });
  return router;
}
