import { Router, type Response } from 'express';
import { z } from 'zod';
import { currentUser, requireAdmin } from '../middleware/auth.js';
import { formOf, validate, type FormErrors, validateNoFields } from '../middleware/validation.js';
import { HttpError } from '../lib/http-error.js';
import type { ApiTokensService } from './tokens.js';
import { checkIdParams, rowId } from '../lib/ids.js';
import type { OrganisationsService } from '../organisations/service.js';

export const tokenLifetimes = [
  ['30', '30 days'],
  ['90', '90 days'],
  ['365', '1 year'],
] as const;

const issueForm = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, 'Enter a name that says who or what uses the token')
      .max(100, 'The name must be 100 characters or fewer'),
    scope: z.enum(['aggregates', 'records', 'submit'], { error: 'Choose what the token can do' }),
    // A submission key is for one organisation (its return lead can also make one).
    organisation: z.coerce.number().int().positive().optional().catch(undefined),
    days: z.enum(['30', '90', '365'], { error: 'Choose how long the token lasts' }).transform(Number),
  })
  .refine((form) => form.scope !== 'submit' || form.organisation !== undefined, {
    path: ['organisation'],
    message: 'Choose the organisation the submission key acts for',
  });

/** Admin pages: issue (shown once), list and revoke API tokens for the feed. */
export function apiTokensRouter(
  tokens: ApiTokensService,
  organisations: OrganisationsService,
  publicUrl: string,
): Router {
  const router = Router();
  checkIdParams(router);
  router.use(requireAdmin);
  const render = async (res: Response, values: Record<string, unknown> = {}, errors?: FormErrors) =>
    res.render('dashboard/tokens', {
      title: 'API tokens',
      tokens: await tokens.list(),
      organisations: await organisations.list(),
      values,
      errors,
      tokenLifetimes,
    });

  router.get('/', (_req, res) => render(res, { days: '90', scope: 'aggregates' }));

  router.post(
    '/',
    validate(issueForm, (req, res, errors) => render(res, req.body as Record<string, unknown>, errors)),
    async (req, res) => {
      const form = formOf(res, issueForm);
      const organisationId = form.scope === 'submit' ? form.organisation : undefined;
      if (organisationId !== undefined && !(await organisations.find(organisationId)))
        throw new HttpError(404);
      const token = await tokens.issue({ ...form, organisationId }, currentUser(req));
      res.set('Cache-Control', 'no-store').render('dashboard/token-issued', {
        title: 'API token issued',
        token,
        name: form.name,
        scope: form.scope,
        example:
          form.scope === 'submit'
            ? `${publicUrl}/api/v1/submission/returns`
            : `${publicUrl}/api/v1/aggregates/cases.csv`,
      });
    },
  );

  router.post('/:id/revoke', validateNoFields(), async (req, res) => {
    const id = rowId().safeParse(req.params.id);
    if (!id.success) throw new HttpError(404);
    const result = await tokens.revoke(id.data, currentUser(req));
    if (!result.ok && result.reason === 'not_found') throw new HttpError(404);
    req.session.flash = result.ok
      ? 'Token revoked: it no longer works'
      : 'Token was already revoked: it no longer works';
    res.redirect('/admin/api-tokens');
  });
  return router;
}
