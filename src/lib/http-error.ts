/**
 * An error that becomes a plain, friendly error page with this status. `explanation`, when given, is
 * shown on the page (a sentence for the user, never anything from the request); `message` is for logs.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message?: string,
    readonly explanation?: string,
  ) {
    super(message ?? `HTTP ${status}`);
  }
}
