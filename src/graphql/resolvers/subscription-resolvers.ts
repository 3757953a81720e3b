/**
 * Subscription.outboundRecordEvents: one bounded queue per subscriber on the
 * user's event stream. An abnormal end (too slow, credentials refused) is
 * delivered as a last result carrying the error, then the stream completes:
 * throwing from the source iterator would close the whole socket instead.
 */
import { ErrorCode, gatewayError } from '../../errors.js';
import type { OutboundRecordEventModel } from '../../events/outbound-record-event.js';
import { isQueueEnd, type QueueItem } from '../../events/subscriber-queue.js';
import { authorize } from '../context.js';
import type { SubscriptionResolvers } from '../generated/resolvers-types.js';

export const subscriptionResolvers: SubscriptionResolvers = {
  outboundRecordEvents: {
    subscribe: async (_parent, args, context) => {
      const user = await authorize(context);
      return user.subscribe(args.filter ?? null);
    },
    resolve: (item: QueueItem<OutboundRecordEventModel>) => {
      if (isQueueEnd(item)) {
        const code = Object.values(ErrorCode).find((c) => c === item.code) ?? ErrorCode.INTERNAL_SERVER_ERROR;
        throw gatewayError(code, item.message);
      }
      return item;
    },
  },
};
