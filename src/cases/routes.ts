// De-duplication pages for CCSU: the review queue of near matches, decisions with reasons (reversible,
// audited), and a case's records side by side.
import { Router, type Request, type Response } from 'express';
import { actorOf } from '../audit/audit.js';
import { z } from 'zod';
import { currentUser, requireCcsu } from '../middleware/auth.js';
import { formOf, validate, type FormErrors, validateNoFields } from '../middleware/validation.js';
import { HttpError } from '../lib/http-error.js';
import { checkIdParams } from '../lib/ids.js';
import { fieldDefs } from '../records/fields.js';
import type { CasesService, PairReason } from './service.js';
import { refuse, type Refusal } from '../lib/result.js';
import type { CoronersService } from '../coroners/service.js';
import { screened } from '../domain/identifiers.js';

/** What an analyst sees when a decision on a pair is refused: two analysts on one queue is normal. */
const pairRefusals: Record<PairReason, Refusal> = {
  not_found: { status: 404 },
  already_decided: {
    status: 409,
    explanation:
      'Another analyst has decided this pair since you opened it. It has left the queue; undo their decision there if it needs to change.',
  },
  not_decided: { status: 409, explanation: 'This pair is back in the queue already: nothing to undo.' },
};

export function casesRouter(cases: CasesService, coroners: Pick<CoronersService, 'waitingCount'>): Router {
  const router = Router();
  checkIdParams(router);
  router.use(requireCcsu);

  // De-duplication: the review queue of near matches, decisions with reasons, and case pages.
  router.get('/review', async (_req, res) => {
    const queue = await cases.queue();
    res.render('collation/review', {
      title: 'Possible duplicates',
      queue,
      decided: await cases.decided(),
      // Inquests near-matching a case are decided on the audit's own page (an inquest is not a record).
      auditWaiting: await coroners.waitingCount(),
    });
  });

  const decisionSchema = z.object({
    decision: z.enum(['linked', 'kept_apart'], { error: 'Select whether these are the same death' }),
    reason: z
      .string({ error: 'Give the reason for your decision' })
      .trim()
      .min(1, 'Give the reason for your decision')
      .max(200, 'Reason must be 200 characters or fewer')
      .superRefine(screened('The reason')),
  });
  const renderPair = async (req: Request, res: Response, errors?: FormErrors) => {
    const found = await cases.pair(Number(req.params.id));
    if (!found) throw new HttpError(404);
    res.render('collation/pair', {
      title: 'Are these the same death?',
      ...found,
      errors,
      values: req.body ?? {},
      fieldDefs,
      backLink: '/ccsu/review',
    });
  };
  router.get('/review/:id', (req, res) => renderPair(req, res));
  router.post(
    '/review/:id',
    validate(decisionSchema, (req, res, errors) => renderPair(req, res, errors)),
    async (req, res) => {
      const form = formOf(res, decisionSchema);
      refuse(
        await cases.decide(Number(req.params.id), form.decision, form.reason, actorOf(currentUser(req))),
        pairRefusals,
        'pair decision refused',
      );
      req.session.flash = form.decision === 'linked' ? 'Linked into one case' : 'Kept as separate deaths';
      res.redirect('/ccsu/review');
    },
  );
  router.post('/review/:id/undo', validateNoFields(), async (req, res) => {
    refuse(
      await cases.undo(Number(req.params.id), actorOf(currentUser(req))),
      pairRefusals,
      'pair undo refused',
    );
    req.session.flash = 'Decision undone: the pair is back in the queue';
    res.redirect('/ccsu/review');
  });

  router.get('/cases/:id', async (req, res) => {
    const found = await cases.case(Number(req.params.id));
    if (!found) throw new HttpError(404);
    res.render('collation/case', {
      title: `Case ${found.caseId}`,
      ...found,
      fieldDefs,
      backLink: '/ccsu/records',
    });
  });
  return router;
}
