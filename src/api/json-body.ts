// The JSON bodies of the submission API: each write declares its shape, as every form does.
import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { VALIDATES } from '../middleware/validation.js';
import { problemOf, sendProblem } from './problems.js';

const objectBody = z.record(z.string(), z.unknown());

/**
 * Every write declares the shape of its body, as every form does (the app refuses to start with a POST
 * that does not); a body of the wrong shape is a problem naming the fields, before anything is read.
 * The answers inside a death are checked by the records service, by the form's own rules.
 */
export function body<S extends z.ZodType>(schema: S, message: (field: string) => string) {
  const middleware = (req: Request, res: Response, next: NextFunction) => {
    const parsed = schema.safeParse(req.body ?? {});
    if (parsed.success) {
      res.locals.body = parsed.data;
      return next();
    }
    const fields = [...new Set(parsed.error.issues.map((i) => String(i.path[0] ?? '')))];
    sendProblem(
      res,
      problemOf('invalid-request', {
        detail: 'The body is not valid: see errors',
        errors: fields.map((field) => ({ pointer: `/${field}`, detail: message(field) })),
      }),
    );
  };
  return Object.assign(middleware, { [VALIDATES]: true });
}

export const anyObject = body(objectBody, () => 'Send a JSON object');
