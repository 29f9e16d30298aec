import type { Router } from 'express';
import { z } from 'zod';
import { HttpError } from './http-error.js';

/** The largest id PostgreSQL's `integer` holds: a larger one can name nothing. */
export const MAX_ID = 2_147_483_647;

export function isId(value: unknown): boolean {
  return typeof value === 'string' && /^[1-9]\d{0,9}$/.test(value) && Number(value) <= MAX_ID;
}

/**
 * Every `:id`-like parameter of a router must be a whole number that can be a row id, or the page does
 * not exist (404) — before any query runs, so an out-of-range value is never sent to the database
 * (whose error would quote it in the log).
 */
export function checkIdParams(router: Router, names: string[] = ['id', 'organisationId']): void {
  for (const name of names)
    router.param(name, (_req, _res, next, value) => next(isId(value) ? undefined : new HttpError(404)));
}

/** A row id sent in a form or a path: a whole number PostgreSQL's `integer` can hold, else invalid. */
export const rowId = () => z.coerce.number().int().positive().max(MAX_ID);
