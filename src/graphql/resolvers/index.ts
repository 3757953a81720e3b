/** All resolvers, assembled. */
import type { Resolvers } from '../generated/resolvers-types.js';
import { scalarResolvers } from '../scalars.js';
import { eventCatchUpResolvers } from './event-catch-up-resolvers.js';
import { queryResolvers } from './query-resolvers.js';
import { recordOperationMutations, recordOperationResultResolvers } from './record-operation-resolvers.js';
import { subscriptionResolvers } from './subscription-resolvers.js';

export const resolvers: Resolvers = {
  ...scalarResolvers,
  Query: { ...queryResolvers, ...eventCatchUpResolvers },
  Mutation: recordOperationMutations,
  Subscription: subscriptionResolvers,
  RecordOperationResult: recordOperationResultResolvers,
};
