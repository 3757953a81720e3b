/** Query.outboundRecordEventsAfter: catch up over HTTP from a cursor, then subscribe with `after`. */
import { badUserInput } from '../../errors.js';
import { readEventPage } from '../../events/catch-up.js';
import { authorize } from '../context.js';
import type { QueryResolvers } from '../generated/resolvers-types.js';

/** The largest page a client may ask for. */
export const MAX_PAGE = 1_000;

export const eventCatchUpResolvers: Pick<QueryResolvers, 'outboundRecordEventsAfter'> = {
  outboundRecordEventsAfter: async (_parent, args, context) => {
    const first = args.first ?? 100;
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) {
      throw badUserInput([{ field: 'first', message: `must be from 1 to ${MAX_PAGE}` }]);
    }
    const user = await authorize(context);
    return readEventPage(context.services.eventLog, user.key, args.after, args.filter ?? null, first);
  },
};
