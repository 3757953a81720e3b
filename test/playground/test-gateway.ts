/**
 * A tiny stand-in for the gateway, for the playground's browser test: Apollo
 * Server 5 on Express 5 and graphql-ws on the same http server and path,
 * built from schema.graphql with in-test resolvers. Every mutation publishes
 * its acknowledgement to the subscribers. Auth is checked the gateway's way:
 * the HTTP Authorization header, and `connectionParams.authorization`.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { createRequire } from 'node:module';
import type { GraphQLFieldResolver, GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { playgroundRouter, type PlaygroundOptions } from '../../src/playground/serve-playground.js';

// The graphql instance Apollo and graphql-ws load (Node resolves graphql's CJS
// entry for them), whatever Vite would resolve for this file: a schema built
// with one instance is rejected by the other ("from another module or realm").
const { GraphQLError, buildSchema } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

const SCHEMA_SDL = readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8');

interface Context {
  authorization: string | undefined;
}

interface OutboundRecordEvent {
  notificationType: string;
  upstreamNotificationType: string;
  messageType: string;
  referenceId: string;
  record: Record<string, unknown>;
  userData: Record<string, unknown>;
  callResult: string | null;
  deviceId: string;
  receivedAt: string;
}

const ACK_TYPES: Record<string, [string, string]> = {
  rescheduleRecord: ['SCHEDULED_RECORD_RESCHEDULE_ACKNOWLEDGE', 'ScheduledRecordRescheduleAcknowledge'],
  rejectRecord: ['RECORD_REJECT_ACKNOWLEDGE', 'RecordRejectAcknowledge'],
  updateRecord: ['UPDATE_CALL_COMPLETION_STATS_ACKNOWLEDGE', 'UpdateCallCompletionStatsAcknowledge'],
  cancelRecordByPhoneNumber: ['RECORD_CANCEL_ACKNOWLEDGE', 'RecordCancelAcknowledge'],
  completeRecord: ['RECORD_PROCESSED_ACKNOWLEDGE', 'RecordProcessedAcknowledge'],
};

export interface TestGateway {
  url: string;
  port: number;
  /** connection_init payloads received, in order. */
  connectionParams: (Record<string, unknown> | undefined)[];
  /** Live subscriptions to outboundRecordEvents. */
  subscriberCount(): number;
  /** Operation names of the HTTP requests received. */
  httpOperations: string[];
  close(): Promise<void>;
}

/**
 * One bounded-by-the-test queue per subscriber. A hand-written iterator, not
 * an async generator: a generator parked on `await` would not run its
 * `finally` on return() until the next event, so a stopped subscription would
 * stay registered.
 */
class EventHub {
  readonly #subscribers = new Set<(event: OutboundRecordEvent) => void>();

  get size(): number {
    return this.#subscribers.size;
  }

  publish(event: OutboundRecordEvent): void {
    for (const push of this.#subscribers) push(event);
  }

  subscribe(): AsyncIterableIterator<OutboundRecordEvent> {
    const queue: OutboundRecordEvent[] = [];
    let waiting: ((result: IteratorResult<OutboundRecordEvent>) => void) | undefined;
    let done = false;
    const push = (event: OutboundRecordEvent) => {
      if (waiting) {
        const resolve = waiting;
        waiting = undefined;
        resolve({ value: event, done: false });
      } else {
        queue.push(event);
      }
    };
    const finish = (): Promise<IteratorResult<OutboundRecordEvent>> => {
      done = true;
      queue.length = 0;
      this.#subscribers.delete(push);
      waiting?.({ value: undefined, done: true });
      waiting = undefined;
      return Promise.resolve({ value: undefined, done: true });
    };
    this.#subscribers.add(push);
    return {
      next: () => {
        if (done) return Promise.resolve({ value: undefined, done: true });
        const event = queue.shift();
        if (event) return Promise.resolve({ value: event, done: false });
        return new Promise((resolve) => (waiting = resolve));
      },
      return: finish,
      throw: async (error: unknown) => {
        await finish();
        throw error;
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }
}

function makeSchema(expectedAuthorization: string, hub: EventHub): GraphQLSchema {
  const schema = buildSchema(SCHEMA_SDL);
  let sequence = 0;

  const requireAuth = (context: Context) => {
    if (context.authorization !== expectedAuthorization) {
      throw new GraphQLError('Missing or wrong credentials', { extensions: { code: 'UNAUTHENTICATED' } });
    }
  };

  const queryFields = schema.getQueryType()!.getFields();
  queryFields.devices!.resolve = (_root, _args, context: Context) => {
    requireAuth(context);
    return [
      {
        id: 'd8a19a8d-aa8f-4cea-93e3-dfb062db7294',
        devicePath: '/devices/d8a19a8d-aa8f-4cea-93e3-dfb062db7294',
        deviceState: 'Active',
        phoneNumber: '5001',
        userState: { state: 'Ready' },
      },
    ];
  };
  queryFields.eventStream!.resolve = (_root, _args, context: Context) => {
    requireAuth(context);
    return { state: hub.size > 0 ? 'CONNECTED' : 'IDLE', subscribers: hub.size, lastEventAt: null };
  };

  for (const [name, field] of Object.entries(schema.getMutationType()!.getFields())) {
    const [notificationType, upstreamNotificationType] = ACK_TYPES[name]!;
    const resolve: GraphQLFieldResolver<unknown, Context, { recordHandle?: number; input: Record<string, unknown> }> = (
      _root,
      { recordHandle, input },
      context,
    ) => {
      requireAuth(context);
      const referenceId = typeof input.referenceId === 'string' ? input.referenceId : `test-${++sequence}`;
      const event: OutboundRecordEvent = {
        notificationType,
        upstreamNotificationType,
        messageType: 'OutboundRecordMessage',
        referenceId,
        record: {
          recordHandle: recordHandle ?? 11,
          applicationId: input.applicationId,
          campaignName: input.campaignName,
          callingList: input.callingList ?? 'CallingList1',
          devicePath: input.devicePath,
        },
        userData: { GSW_USER_EVENT: upstreamNotificationType, GSW_APPLICATION_ID: input.applicationId },
        callResult: null,
        deviceId: String(input.devicePath).replace('/devices/', ''),
        receivedAt: new Date().toISOString(),
      };
      hub.publish(event);
      return { operationName: name[0]!.toUpperCase() + name.slice(1), referenceId, statusCode: 0, acknowledgement: event };
    };
    field.resolve = resolve as GraphQLFieldResolver<unknown, unknown>;
  }

  const events = schema.getSubscriptionType()!.getFields().outboundRecordEvents!;
  events.subscribe = (_root, _args, context: Context) => {
    requireAuth(context);
    return hub.subscribe();
  };
  events.resolve = (event: unknown) => event;
  return schema;
}

/** Starts the stand-in on 127.0.0.1, port 0, with the playground mounted. */
export async function startTestGateway(options: {
  expectedAuthorization: string;
  playground: PlaygroundOptions;
}): Promise<TestGateway> {
  const hub = new EventHub();
  const schema = makeSchema(options.expectedAuthorization, hub);
  const connectionParams: (Record<string, unknown> | undefined)[] = [];
  const httpOperations: string[] = [];

  const app = express();
  const httpServer = http.createServer(app);
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const wsDisposable = useServer<Record<string, unknown>>(
    {
      schema,
      onConnect: (ctx) => {
        connectionParams.push(ctx.connectionParams);
        return true;
      },
      context: (ctx): Context => {
        const authorization = ctx.connectionParams?.authorization;
        return { authorization: typeof authorization === 'string' ? authorization : undefined };
      },
    },
    wsServer,
  );

  const apollo = new ApolloServer<Context>({
    schema,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: 1_000 }),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await wsDisposable.dispose();
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  app.use(playgroundRouter(options.playground));
  app.use(
    '/graphql',
    express.json(),
    (req, _res, next) => {
      const body = req.body as { operationName?: unknown } | undefined;
      if (typeof body?.operationName === 'string') httpOperations.push(body.operationName);
      next();
    },
    expressMiddleware(apollo, {
      context: async ({ req }) => ({ authorization: req.headers.authorization }),
    }),
  );

  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    port,
    connectionParams,
    subscriberCount: () => hub.size,
    httpOperations,
    close: () => apollo.stop(),
  };
}
