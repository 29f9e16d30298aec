import { Router, type Response } from 'express';
import { z } from 'zod';
import { currentUser, requireAdmin } from '../middleware/auth.js';
import { formOf, validate, type FormErrors, validateNoFields } from '../middleware/validation.js';
import { HttpError } from '../lib/http-error.js';
import type { ApiTokensService } from './tokens.js';
import { checkIdParams, rowId } from '../lib/ids.js';

export const tokenLifetimes = [
  ['30', '30 days'],
  ['90', '90 days'],
  ['365', '1 year'],
] as const;

const issueForm = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'Enter a name that says who or what uses the token')
    .max(100, 'The name must be 100 characters or fewer'),
  scope: z.enum(['aggregates', 'records'], { error: 'Choose what the token can read' }),
  days: z.enum(['30', '90', '365'], { error: 'Choose how long the token lasts' }).transform(Number),
});

/** Admin pages: issue (shown once), list and revoke API tokens for the feed. */
export function apiTokensRouter(tokens: ApiTokensService, publicUrl: string): Router {
  const router = Router();
  checkIdParams(router);
  router.use(requireAdmin);
  const render = async (res: Response, values: Record<string, unknown> = {}, errors?: FormErrors) =>
    res.render('dashboard/tokens', {
      title: 'API tokens',
      tokens: await tokens.list(),
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
      const token = await tokens.issue(form, currentUser(req));
      res.set('Cache-Control', 'no-store').render('dashboard/token-issued', {
        title: 'API token issued',
        token,
        name: form.name,
        scope: form.scope,
        example: `${publicUrl}/api/v1/aggregates/cases.csv`,
      });
    },
  );

  router.post('/:id/revoke', validateNoFields(), async (req, res) => {
    const id = rowId().safeParse(req.params.id);
    if (!id.success) throw new HttpError(404);
    if (!(await tokens.revoke(id.data, currentUser(req)))) throw new HttpError(404);
    req.session.flash = 'Token revoked: it no longer works';
    res.redirect('/admin/api-tokens');
  });
  return router;
}
