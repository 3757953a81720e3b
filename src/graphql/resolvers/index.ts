/** All resolvers, assembled. */
import type { Resolvers } from '../generated/resolvers-types.js';
import { scalarResolvers } from '../scalars.js';
import { queryResolvers } from './query-resolvers.js';
import { recordOperationMutations, recordOperationResultResolvers } from './record-operation-resolvers.js';
import { subscriptionResolvers } from './subscription-resolvers.js';

export const resolvers: Resolvers = {
  ...scalarResolvers,
  Query: queryResolvers,
  Mutation: recordOperationMutations,
  Subscription: subscriptionResolvers,
  RecordOperationResult: recordOperationResultResolvers,
};
