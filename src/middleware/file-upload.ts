// Receiving one file from a multipart form: in memory only, never on disk, refused before it is read
// when the form's token is wrong (the token field comes before the file) or the file is too big.
import type { NextFunction, Request, Response } from 'express';
import multer from 'multer';
import { CsrfError, formTokenValid } from './csrf.js';
import { toFormErrors, type FormErrors } from './validation.js';

/**
 * Puts the file on req.file, or a message for the page on res.locals.uploadProblem ("must be smaller
 * than 10 MB"). A form sent without a file never reaches the file filter: its token is checked after.
 */
export function receiveOneFile(options: { maxBytes: number; fields?: number }) {
  const maxMb = Math.max(1, Math.round(options.maxBytes / 1024 / 1024));
  return async (req: Request, res: Response, next: NextFunction) => {
    res.locals.uploadProblem = await new Promise<string | undefined>((resolve, reject) =>
      multer({
        storage: multer.memoryStorage(),
        limits: { fileSize: options.maxBytes, files: 1, fields: options.fields ?? 5 },
        fileFilter: (_req, _file, accept) =>
          formTokenValid(res) ? accept(null, true) : accept(new CsrfError('invalid csrf token')),
      }).single('file')(req, res, (error: unknown) => {
        if (error instanceof CsrfError) reject(error);
        else if (!error) resolve(undefined);
        else if (error instanceof multer.MulterError && error.code === 'LIMIT_FILE_SIZE')
          resolve(`The selected file must be smaller than ${maxMb} MB`);
        else resolve('The file could not be received. Try again');
      }),
    );
    if (!formTokenValid(res)) throw new CsrfError('invalid csrf token');
    next();
  };
}

/**
 * After receiveOneFile: the file, or the error to show by the form's file field — the upload's own
 * problem (too big, not received) or, when no file was chosen, `whenMissing`.
 */
export function uploadedFile(
  req: Request,
  res: Response,
  whenMissing: string,
): { file: Express.Multer.File; errors?: undefined } | { file?: undefined; errors: FormErrors } {
  const problem = res.locals.uploadProblem as string | undefined;
  if (problem || !req.file)
    return { errors: toFormErrors([{ field: 'file', message: problem ?? whenMissing }]) };
  return { file: req.file };
}

/** The file field's error when the file's rows have problems, which the page lists below it. */
export function fileHasProblems(nothing: 'saved' | 'loaded' = 'saved'): FormErrors {
  return toFormErrors([
    { field: 'file', message: `The file has problems, listed below. Nothing was ${nothing}` },
  ]);
}
