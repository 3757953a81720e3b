/**
 * The five record mutations, generated from the operations table: each one
 * checks the credential, validates and builds the GWS body, registers the
 * acknowledgement waiter when `acknowledgement` is selected (before the POST,
 * so a fast event cannot be missed), and POSTs upstream.
 */
import type { GraphQLResolveInfo } from 'graphql';
import { errorCodeOf } from '../../errors.js';
import { buildUpstreamRequest } from '../../operations/build-request.js';
import { inSpan } from '../../observability/tracing.js';
import { RECORD_OPERATIONS, type RecordOperation } from '../../operations/record-operations.js';
import { authorize, type GatewayContext } from '../context.js';
import type { MutationResolvers, RecordOperationResultResolvers } from '../generated/resolvers-types.js';
import type { RecordOperationResultModel } from '../mappers.js';
import { selectsField } from './selection.js';

interface RecordOperationArgs {
  recordHandle?: number;
  input: Readonly<Record<string, unknown>>;
}

async function runRecordOperation(
  op: RecordOperation,
  args: RecordOperationArgs,
  context: GatewayContext,
  info: GraphQLResolveInfo,
): Promise<RecordOperationResultModel> {
  const user = await authorize(context);
  const request = buildUpstreamRequest(op, args.recordHandle, args.input);
  const { gws } = context.services;
  const waiter = selectsField(info, 'acknowledgement') ? user.awaitAcknowledgement(request.referenceId) : undefined;
  context.logger.info({ operation: op.operationName, referenceId: request.referenceId, session: user.key }, 'record operation');
  try {
    // The upstream session must be subscribed before the POST, or a fast acknowledgement is lost.
    if (waiter) await waiter.ready;
    const envelope = await gws.post(user.gws, request.path, request.body, context.signal);
    return {
      operationName: op.operationName,
      referenceId: request.referenceId,
      statusCode: envelope.statusCode,
      ...(waiter ? { acknowledgement: () => waiter.promise } : {}),
    };
  } catch (error) {
    waiter?.cancel();
    throw error;
  }
}

/** Runs the operation and counts its outcome (ok, or the error code). */
async function countedRecordOperation(
  op: RecordOperation,
  args: RecordOperationArgs,
  context: GatewayContext,
  info: GraphQLResolveInfo,
): Promise<RecordOperationResultModel> {
  try {
    const result = await inSpan(`gateway.${op.mutation}`, { 'gws.operation': op.operationName }, () =>
      runRecordOperation(op, args, context, info),
    );
    context.services.metrics.operations.inc({ operation: op.operationName, outcome: 'ok' });
    return result;
  } catch (error) {
    context.services.metrics.operations.inc({ operation: op.operationName, outcome: errorCodeOf(error) ?? 'INTERNAL_SERVER_ERROR' });
    throw error;
  }
}

export const recordOperationMutations: MutationResolvers = Object.fromEntries(
  RECORD_OPERATIONS.map((op) => [
    op.mutation,
    (_parent: unknown, args: RecordOperationArgs, context: GatewayContext, info: GraphQLResolveInfo) =>
      countedRecordOperation(op, args, context, info),
  ]),
);

export const recordOperationResultResolvers: RecordOperationResultResolvers = {
  acknowledgement: (parent) => (parent.acknowledgement ? parent.acknowledgement() : null),
};
