/**
 * What a frontend does with the gateway, in one file: Apollo Client 4 with
 * queries and mutations over HTTP and the subscription over graphql-ws (one
 * link split by operation type), the typed documents of client/generated, the
 * credentials in the Authorization header and in connection_init.
 *
 * It subscribes to the user's outbound record events, waits until they flow
 * (Query.eventStream), runs the five record operations with the GWS seed
 * values, and prints each live event; done when the five acknowledgements
 * have arrived.
 *
 * Half-way it forces a disconnect (as a mobile network change would): the
 * graphql-ws client reconnects, and the subscription starts again with
 * `after:` the cursor of the last event received, so the acknowledgements of
 * the operations run while the socket was down are replayed, none twice.
 * (The reconnect is held until those operations ran, to show the replay; a
 * real client just backs off.)
 *
 *   npm run example     # against a running gateway: ws://localhost:4000/graphql, agent1
 *   GATEWAY_WS_URL=wss://host/graphql GWS_USER=u GWS_PASSWORD=p npm run example
 *
 * The values fit a fresh simulator (records 6, 9, 11 and 12 ready): restart
 * `npm start` to run it again, as record 11 is cancelled and 12 completed.
 */
import { pathToFileURL } from 'node:url';
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { CloseCode, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import {
  CancelRecordByPhoneNumberDocument,
  CompleteRecordDocument,
  DevicesDocument,
  OutboundRecordEventsDocument,
  RejectRecordDocument,
  RescheduleRecordDocument,
  UpdateRecordDocument,
  type OutboundNotificationType,
  type OutboundRecordEventsSubscription,
} from '../client/generated/graphql.js';

export interface ExampleOptions {
  /** HTTP endpoint, e.g. http://localhost:4000/graphql. */
  httpUrl: string;
  /** graphql-ws endpoint, e.g. ws://localhost:4000/graphql. */
  wsUrl: string;
  /** The credentials GWS takes, e.g. `Basic base64(user:password)`. */
  authorization: string;
  /** Where the output lines go. @default console.log */
  print?: (line: string) => void;
  /** Gives up waiting for events after this long. @default 30000 */
  timeoutMs?: number;
  /** Force a disconnect after the first two operations, and resume. @default true */
  forceDisconnect?: boolean;
}

export interface ExampleResult {
  /** Each operation's name, referenceId, and the error code when it failed. */
  operations: { name: string; referenceId?: string; errorCode?: string }[];
  /** The events received over the subscription, in order. */
  events: OutboundRecordEventsSubscription['outboundRecordEvents'][];
  /** The cursors the subscription was started again with after a reconnect. */
  resumedFrom: string[];
}

const APPLICATION = { applicationId: 134, campaignName: 'Campaign1' } as const;

/** The five operations with the seed values, in an order a fresh simulator accepts. */
function operations(client: ApolloClient) {
  return [
    {
      name: 'UpdateRecord',
      run: async () =>
        (
          await client.mutate({
            mutation: UpdateRecordDocument,
            variables: { recordHandle: 6, input: { ...APPLICATION, devicePath: '/devices/68b39a39-dfb5-417d-9efe-93c03a1375af' } },
          })
        ).data?.updateRecord,
    },
    {
      name: 'RescheduleRecord',
      run: async () =>
        (
          await client.mutate({
            mutation: RescheduleRecordDocument,
            variables: {
              recordHandle: 9,
              input: { ...APPLICATION, callbackType: 'PERSONAL', timestamp: 1433917552, devicePath: '/devices/d8a19a8d-aa8f-4cea-93e3-dfb062db7294' },
            },
          })
        ).data?.rescheduleRecord,
    },
    {
      name: 'RejectRecord',
      run: async () =>
        (
          await client.mutate({
            mutation: RejectRecordDocument,
            variables: {
              recordHandle: 9,
              input: { ...APPLICATION, callingList: 'CallingList1', devicePath: '/devices/2b00393c-9ad3-418f-8b3d-a06cbe8af395' },
            },
          })
        ).data?.rejectRecord,
    },
    {
      name: 'CancelRecordByPhoneNumber',
      run: async () =>
        (
          await client.mutate({
            mutation: CancelRecordByPhoneNumberDocument,
            variables: {
              input: {
                ...APPLICATION,
                callingList: 'CallingList1',
                phoneNumber: '4100180988',
                chainAttribute: 'ALL_CHAIN',
                devicePath: '/devices/57fc644b-c3b8-4ce8-ad82-d7e15c5f0b33',
              },
            },
          })
        ).data?.cancelRecordByPhoneNumber,
    },
    {
      name: 'CompleteRecord',
      run: async () =>
        (
          await client.mutate({
            mutation: CompleteRecordDocument,
            variables: {
              recordHandle: 12,
              input: { ...APPLICATION, callingList: 'CallingList1', devicePath: '/devices/42e3a1c6-fc5e-425b-9411-125f536fde00' },
            },
          })
        ).data?.completeRecord,
    },
  ];
}

/** The acknowledgement each operation produces. */
export const EXPECTED_ACKNOWLEDGEMENTS: readonly OutboundNotificationType[] = [
  'UPDATE_CALL_COMPLETION_STATS_ACKNOWLEDGE',
  'SCHEDULED_RECORD_RESCHEDULE_ACKNOWLEDGE',
  'RECORD_REJECT_ACKNOWLEDGE',
  'RECORD_CANCEL_ACKNOWLEDGE',
  'RECORD_PROCESSED_ACKNOWLEDGE',
];

function errorCodeOf(error: unknown): string {
  // Apollo Client 4 wraps GraphQL errors in CombinedGraphQLErrors (`errors`), transport failures in other errors.
  const errors = (error as { errors?: { extensions?: { code?: unknown } }[] }).errors;
  const code = errors?.[0]?.extensions?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
}

export async function runExample(options: ExampleOptions): Promise<ExampleResult> {
  const { httpUrl, wsUrl, authorization, print = (line: string) => console.log(line), timeoutMs = 30_000, forceDisconnect = true } = options;
  // The cursor of the last event received: where a new subscription resumes.
  let lastCursor: string | undefined;
  let socket: WebSocket | undefined;
  let allowReconnect!: () => void;
  const reconnectAllowed = new Promise<void>((resolve) => (allowReconnect = resolve));
  if (!forceDisconnect) allowReconnect();
  const wsClient = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    // Read on every (re)connect: a client whose token changes passes a function reading the current one.
    connectionParams: () => ({ authorization }),
    // Reconnect after a restart (1001) or a lost network; never on refused credentials (4401/4403).
    retryAttempts: 5,
    shouldRetry: (event) => {
      const code = (event as { code?: number }).code;
      return code !== CloseCode.Unauthorized && code !== CloseCode.Forbidden;
    },
    retryWait: async (retries) => {
      await reconnectAllowed;
      await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 200 * 2 ** retries) * (0.5 + Math.random() / 2)));
    },
    on: {
      connected: (connected, _payload, wasRetry) => {
        socket = connected as WebSocket;
        // graphql-ws would re-send the subscription with the variables it began with: start it again from the last cursor.
        if (wasRetry) startSubscription();
      },
    },
  });
  const client = new ApolloClient({
    link: ApolloLink.split(
      (operation) => operation.operationType === 'subscription',
      new GraphQLWsLink(wsClient),
      new HttpLink({ uri: httpUrl, headers: { authorization } }),
    ),
    cache: new InMemoryCache(),
    // A command-line client has no browser devtools to connect to.
    devtools: { enabled: false },
  });

  const result: ExampleResult = { operations: [], events: [], resumedFrom: [] };
  // An event may come before its mutation's HTTP answer: both leave the gateway when the acknowledgement arrives.
  const received = new Set<string>();
  let allArrived!: () => void;
  const arrived = new Promise<void>((resolve) => (allArrived = resolve));
  const checkArrived = () => {
    const done = result.operations.length === EXPECTED_ACKNOWLEDGEMENTS.length;
    if (done && result.operations.every((o) => o.referenceId === undefined || received.has(o.referenceId))) allArrived();
  };
  let subscription: { unsubscribe(): void } | undefined;
  function startSubscription(): void {
    // Stopped synchronously, so that the reconnected client does not re-send it.
    subscription?.unsubscribe();
    if (lastCursor) {
      result.resumedFrom.push(lastCursor);
      print(`resuming after cursor ${lastCursor}`);
    }
    subscription = client.subscribe({ query: OutboundRecordEventsDocument, variables: lastCursor ? { after: lastCursor } : {} }).subscribe({
      next: ({ data, error }) => {
        if (error) {
          const code = errorCodeOf(error);
          print(`subscription error: ${code}`);
          // The gateway cannot replay from there: a real client refetches what it shows, then subscribes from now.
          if (code === 'CURSOR_EXPIRED') {
            lastCursor = undefined;
            startSubscription();
          }
          return;
        }
        if (!data) return;
        const event = data.outboundRecordEvents;
        lastCursor = event.cursor;
        result.events.push(event);
        print(`event ${event.notificationType} record ${event.record.recordHandle ?? '?'} referenceId ${event.referenceId ?? '-'} at ${String(event.receivedAt)}`);
        if (event.referenceId) received.add(event.referenceId);
        checkArrived();
      },
      error: (error: unknown) => print(`subscription ended: ${errorCodeOf(error)}`),
    });
  }
  startSubscription();

  try {
    await untilEventsFlow(client, timeoutMs);
    print(`subscribed to ${wsUrl}; events flow`);
    let index = 0;
    for (const operation of operations(client)) {
      if (forceDisconnect && index++ === 2) {
        // Both earlier acknowledgements arrived: lastCursor is the second one's.
        await untilReceived(result, 2, timeoutMs);
        socket?.close(4205, 'Client Restart');
        await untilEventsFlow(client, timeoutMs, 0);
        print('forced a disconnect; running the next operations while away');
      }
      try {
        const answer = await operation.run();
        result.operations.push({ name: operation.name, ...(answer ? { referenceId: answer.referenceId } : {}) });
        print(`${operation.name}: statusCode ${answer?.statusCode ?? '?'}, referenceId ${answer?.referenceId ?? '?'}, acknowledged ${answer?.acknowledgement?.notificationType ?? '-'}`);
      } catch (error) {
        result.operations.push({ name: operation.name, errorCode: errorCodeOf(error) });
        print(`${operation.name} failed: ${errorCodeOf(error)}`);
      }
    }
    allowReconnect();
    // Each mutation already waited for its acknowledgement; the subscription's copies may still be on their way.
    checkArrived();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([arrived, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    return result;
  } finally {
    allowReconnect();
    subscription?.unsubscribe();
    client.stop();
    await wsClient.dispose();
  }
}

/** Waits until `count` events arrived over the subscription. */
async function untilReceived(result: ExampleResult, count: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (result.events.length < count) {
    if (Date.now() > deadline) throw new Error(`only ${result.events.length} events arrived`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Polls Query.eventStream until the user's live events flow to the gateway with our subscriber counted
 * (or, with `subscribers` 0, until the gateway saw our subscription go: the upstream session stays).
 */
async function untilEventsFlow(client: ApolloClient, timeoutMs: number, subscribers?: 0): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { data } = await client.query({ query: DevicesDocument, fetchPolicy: 'network-only' });
    if (data?.eventStream.state === 'CONNECTED' && (subscribers === 0 ? data.eventStream.subscribers === 0 : data.eventStream.subscribers > 0)) return;
    if (Date.now() > deadline) throw new Error(`events do not flow: ${JSON.stringify(data?.eventStream)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Did every operation succeed and every acknowledgement arrive over the subscription, exactly once? */
export function succeeded(result: ExampleResult): boolean {
  const received = result.events.map((e) => e.referenceId);
  return (
    result.operations.length === EXPECTED_ACKNOWLEDGEMENTS.length &&
    new Set(received).size === received.length &&
    result.operations.every((o) => o.referenceId !== undefined && received.includes(o.referenceId))
  );
}

async function main(): Promise<void> {
  const wsUrl = process.env['GATEWAY_WS_URL'] ?? 'ws://localhost:4000/graphql';
  const httpUrl = process.env['GATEWAY_URL'] ?? wsUrl.replace(/^ws/, 'http');
  const user = process.env['GWS_USER'] ?? 'agent1';
  const password = process.env['GWS_PASSWORD'] ?? 'agent1pass';
  const result = await runExample({ httpUrl, wsUrl, authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });
  const ok = succeeded(result);
  console.log(ok ? 'all five acknowledgements received' : 'not every operation was acknowledged (on the simulator: restart it to reset the records)');
  process.exitCode = ok ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
