/**
 * The contract's custom scalars, from graphql-scalars. Its own `Long` is a
 * BigInt (up to 2^63); the contract's Long stops at 2^53-1, which is exactly
 * graphql-scalars' SafeInt, so Long is SafeInt under the contract's name.
 */
import { GraphQLScalarType } from 'graphql';
import { GraphQLDateTime, GraphQLJSON, GraphQLSafeInt } from 'graphql-scalars';

export const LongScalar = new GraphQLScalarType({
  ...GraphQLSafeInt.toConfig(),
  name: 'Long',
  description: 'An integer from -(2^53-1) to 2^53-1 (GWS Long).',
});

export const scalarResolvers = {
  Long: LongScalar,
  JSON: GraphQLJSON,
  DateTime: GraphQLDateTime,
};
