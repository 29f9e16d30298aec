// A partner's own reference names one death: using it again, in any month's return, is refused with
// the month it was first used in.
import type { DbOrTrx } from '../db/database.js';
import type { Organisation } from '../db/types.js';
import type { FieldError } from '../domain/field-error.js';
import { formatPeriod } from '../domain/periods.js';
import * as repo from '../records/repository.js';

export async function referenceClash(
  db: DbOrTrx,
  organisation: Organisation,
  reference: string | null | undefined,
  exceptId?: number,
): Promise<FieldError[]> {
  if (!reference) return [];
  const clash = await repo.findByReference(db, organisation.id, reference);
  if (!clash || clash.id === exceptId) return [];
  return [
    {
      field: 'partner_record_ref',
      message: `You have already used reference ${reference} for a death in your ${formatPeriod(clash.period)} return`,
    },
  ];
}
