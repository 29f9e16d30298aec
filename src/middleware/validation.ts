import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';

import type { FieldError } from '../domain/field-error.js';
import { withoutIdentifiers } from '../domain/identifiers.js';
import { HttpError } from '../lib/http-error.js';
import type { RouteEntry } from '../lib/route-table.js';

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
  const middleware = async (req: Request, res: Response, next: NextFunction) => {
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
  return Object.assign(middleware, { [VALIDATES]: true });
}

/** Marks a validate() middleware, so the app can refuse to start with a POST that declares no schema. */
export const VALIDATES = Symbol('validates');

/**
 * A POST whose only input is the form token (an action button): it still declares that it takes no
 * fields, so every POST is checked the same way.
 */
export const noFields = z.object({});

/** A button's form carries nothing a user can get wrong, so anything unexpected is a bad request. */
export const validateNoFields = () =>
  validate(noFields, () => {
    throw new HttpError(400);
  });

/** Fails start-up when any POST route has no validate() among its handlers. */
export function assertEveryPostValidated(routes: RouteEntry[]): void {
  const missing = routes
    .filter((r) => r.method === 'POST' && !r.handlers.some((h) => VALIDATES in h))
    .map((r) => r.path);
  if (missing.length > 0) throw new Error(`POST routes without validate(): ${missing.join(', ')}`);
}

/** The validated form of a request that passed validate(). */
export function formOf<S extends z.ZodType>(res: Response, _schema: S): z.output<S> {
  return res.locals.form as z.output<S>;
}
