// Administrators see what retention will purge and when, before the job does it, and what it has done.
import { Router } from 'express';
import { requireAdmin } from '../middleware/auth.js';
import type { RetentionService } from './service.js';

export function retentionRouter(retention: RetentionService): Router {
  const router = Router();
  router.use(requireAdmin);
  router.get('/', async (_req, res) => {
    res.render('retention/retention', {
      title: 'Retention',
      plan: await retention.plan(),
      history: await retention.history(),
    });
  });
  return router;
}
