// What the log keeps of an error. PostgreSQL's messages and details quote the values that caused them
// ('value "9434765919" is out of range…', 'Key (partner_record_ref)=(…) already exists'), and a value
// may be an identifier someone typed in the wrong field, so database errors are logged by their code,
// table, column and constraint only — never their message, detail or the first line of their stack.
export interface SafeError {
  type: string;
  code?: string;
  message?: string;
  table?: string;
  column?: string;
  constraint?: string;
  routine?: string;
  stack?: string;
}

function isDatabaseError(e: Record<string, unknown>): boolean {
  return typeof e.severity === 'string' || e.name === 'DatabaseError';
}

export function safeError(error: unknown): SafeError {
  if (!error || typeof error !== 'object') return { type: typeof error };
  const e = error as Record<string, unknown> & { stack?: string; message?: string; name?: string };
  const type = e.constructor?.name ?? e.name ?? 'Error';
  const frames = typeof e.stack === 'string' ? e.stack.split('\n').slice(1).join('\n') : undefined;
  if (isDatabaseError(e))
    return {
      type,
      code: typeof e.code === 'string' ? e.code : undefined,
      table: typeof e.table === 'string' ? e.table : undefined,
      column: typeof e.column === 'string' ? e.column : undefined,
      constraint: typeof e.constraint === 'string' ? e.constraint : undefined,
      routine: typeof e.routine === 'string' ? e.routine : undefined,
      stack: frames,
    };
  return {
    type,
    code: typeof e.code === 'string' ? e.code : undefined,
    message: typeof e.message === 'string' ? e.message.slice(0, 300) : undefined,
    stack: frames,
  };
}
