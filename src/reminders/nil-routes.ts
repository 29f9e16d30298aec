import { Router } from 'express';
import { validateNoFields } from '../middleware/validation.js';
import { formatPeriod } from '../domain/periods.js';
import type { NilLinksService } from './nil-links.js';

/** The page behind "Make a nil return" in a reminder email. No sign-in: the link is the credential. */
export function nilLinkRouter(nilLinks: NilLinksService): Router {
  const router = Router();

  router.get('/nil/:token', async (req, res) => {
    const check = await nilLinks.check(req.params.token);
    if (check.state !== 'valid')
      return res.status(check.state === 'already_done' ? 200 : 410).render('nil/problem', {
        title: 'You cannot use this link',
        check,
        month: check.period ? formatPeriod(check.period) : '',
      });
    res.render('nil/confirm', {
      title: `Nil return for ${formatPeriod(check.period)}`,
      check,
      month: formatPeriod(check.period),
      action: req.originalUrl,
    });
  });

  router.post('/nil/:token', validateNoFields(), async (req, res) => {
    const result = await nilLinks.submit(String(req.params.token));
    if (result.state !== 'submitted')
      return res.status(result.state === 'already_done' ? 200 : 410).render('nil/problem', {
        title: 'You cannot use this link',
        check: result,
        month: result.period ? formatPeriod(result.period) : '',
      });
    res.render('nil/done', { title: 'Nil return submitted', result, month: formatPeriod(result.period) });
  });

  return router;
}
