import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';

import type { FieldError } from '../domain/field-error.js';
import { withoutIdentifiers } from '../domain/identifiers.js';

/** What the GOV.UK error summary and the inline messages need. */
export interface FormErrors {
  list: { text: string; href: string }[];
  byField: Record<string, string>;
}

/** Fields whose input is not the element with the field's own id (date inputs start at "-day"). */
export function toFormErrors(errors: FieldError[], anchor: (field: string) => string = (f) => f): FormErrors {
  const byField: Record<string, string> = {};
  const list: FormErrors['list'] = [];
  for (const error of errors) {
    if (byField[error.field]) continue;
    byField[error.field] = error.message;
    list.push({ text: error.message, href: `#${anchor(error.field)}` });
  }
  return { list, byField };
}

export function zodToFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({ field: String(issue.path[0] ?? ''), message: issue.message }));
}

/**
 * Every POST declares its schema here. Valid input is put on res.locals.form; invalid input calls
 * `onInvalid` to re-render the page with the error summary and what the user typed.
 */
export function validate<S extends z.ZodType>(
  schema: S,
  onInvalid: (req: Request, res: Response, errors: FormErrors) => void | Promise<void>,
) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const result = schema.safeParse(req.body ?? {});
    if (result.success) {
      res.locals.form = result.data;
      next();
      return;
    }
    res.status(400);
    // What was typed is shown again, except anything that looks like an identifier.
    req.body = withoutIdentifiers((req.body ?? {}) as Record<string, unknown>);
    await onInvalid(req, res, toFormErrors(zodToFieldErrors(result.error)));
  };
}

/** The validated form of a request that passed validate(). */
export function formOf<S extends z.ZodType>(res: Response, _schema: S): z.output<S> {
  return res.locals.form as z.output<S>;
}
