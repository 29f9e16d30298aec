// What a partner sees when the records service refuses a change to one record (withdraw, restore,
// remove linkage keys): the one table from reason to status and words (lib/result.ts).
import { refuse, type Refusal } from '../lib/result.js';
import type { RecordChangeReason, RecordChangeResult } from './records-service.js';

/**
 * A record change the service refused, as the page the partner sees. A record already as asked (a second
 * click, another tab) is no error: the page goes on as if this click had done it.
 */
const recordChangeRefusals: Record<RecordChangeReason, Refusal> = {
  not_found: { status: 404 },
  unchanged: null,
  return_closed: {
    status: 409,
    explanation:
      'This return can no longer be changed: it has been submitted or locked. Open it again to see where it stands.',
  },
};

export function refuseRecordChange(result: RecordChangeResult): void {
  refuse(result, recordChangeRefusals, 'record change refused');
}
