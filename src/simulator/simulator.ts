/**
 * startSimulator: one Node HTTP server carrying the GWS REST API and the
 * CometD endpoint, plus the fault switches and an orderly close().
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { silentLogger } from '../logger.js';
import { BayeuxEndpoint } from './bayeux-endpoint.js';
import { CallingList } from './calling-list.js';
import { DEMO_USERS, type DemoUser } from './demo-users.js';
import { GWS_STATUS, GwsError, notFound, sendGwsError } from './gws-errors.js';
import { HttpSessions } from './http-sessions.js';
import { buildAck, buildUserEvent, type EventInput } from './operation-events.js';
import { faultApplies, ReplyFaults, type ReplyFault } from './reply-faults.js';
import { RestApi } from './rest-api.js';
import type { GwsSimulator, ReceivedOperation, SimulatorOptions } from './types.js';

type Fault = 'hang' | 'down' | null;

function checkUsers(users: readonly DemoUser[]): void {
  const names = new Set<string>();
  for (const user of users) {
    if (!user.username || user.username.includes(':')) throw new Error(`invalid simulator username "${user.username}"`);
    if (names.has(user.username)) throw new Error(`duplicate simulator user ${user.username}`);
    names.add(user.username);
  }
  if (names.size === 0) throw new Error('the simulator needs at least one user');
}

/** Starts a simulator and resolves once it listens. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<GwsSimulator> {
  const {
    port = 0,
    host = '127.0.0.1',
    users = DEMO_USERS,
    csrf = true,
    cookieTraps = true,
    eventDelayMs = 0,
    userEventFirst = false,
    receivedMax = 10_000,
    logger: parentLogger = silentLogger,
  } = options;
  if (!Number.isSafeInteger(receivedMax) || receivedMax < 0) throw new Error(`invalid simulator receivedMax ${receivedMax}`);
  checkUsers(users);
  const logger = parentLogger.child({ component: 'gws-simulator' });
  const userNames = new Set(users.map((u) => u.username));

  const received: ReceivedOperation[] = [];
  const sessions = new HttpSessions(users);
  const callingList = new CallingList();
  const bayeux = new BayeuxEndpoint({ sessions, cookieTraps, logger });
  const sockets = new Set<Socket>();
  const hung = new Set<ServerResponse>();
  const eventTimers = new Set<NodeJS.Timeout>();
  let requestCount = 0;
  let fault: Fault = null;
  let replyFault: ReplyFault | null = null;
  const replyFaults = new ReplyFaults();
  let closing: Promise<void> | undefined;

  const emitEvents = (username: string, input: EventInput): void => {
    const ack = buildAck(input);
    const publish = (): void => {
      if (closing) return;
      const userEvent = buildUserEvent(input);
      for (const event of userEventFirst ? [userEvent, ack] : [ack, userEvent]) {
        bayeux.publish(username, event.channel, event.data);
      }
    };
    if (eventDelayMs <= 0) return publish();
    const timer = setTimeout(() => {
      eventTimers.delete(timer);
      publish();
    }, eventDelayMs);
    eventTimers.add(timer);
  };

  const rest = new RestApi({
    users,
    sessions,
    csrf,
    callingList,
    logger,
    onReceived: (operation) => {
      // A bounded log: drop the oldest beyond receivedMax (shift on a few thousand entries is cheap).
      received.push(operation);
      while (received.length > receivedMax) received.shift();
    },
    onAccepted: emitEvents,
  });

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    requestCount++;
    if (fault === 'down') {
      req.socket.resetAndDestroy();
      return;
    }
    if (fault === 'hang' || closing) {
      hung.add(res);
      res.on('close', () => hung.delete(res));
      return;
    }
    const pathname = new URL(req.url ?? '/', 'http://simulator').pathname;
    const current = replyFault;
    if (current && faultApplies(current, req, pathname, bayeux.matches(pathname))) {
      void replyFaults.serve(current, req, res).then((next) => {
        if (next === 'continue' && !res.destroyed) answer(req, res, pathname);
      });
      return;
    }
    answer(req, res, pathname);
  };

  const answer = (req: IncomingMessage, res: ServerResponse, pathname: string): void => {
    if (bayeux.matches(pathname)) return bayeux.handle(req, res);
    if (!pathname.startsWith('/api/v2/')) return sendGwsError(res, notFound());
    rest.handle(req, res, pathname).catch((error: unknown) => {
      if (res.headersSent || res.destroyed) return;
      if (error instanceof GwsError) return sendGwsError(res, error);
      logger.error({ err: error }, 'simulator request failed');
      sendGwsError(res, new GwsError(GWS_STATUS.INTERNAL_ERROR, 'Internal error'));
    });
  };

  const server = createServer(onRequest);
  server.on('connection', (socket: Socket) => {
    if (fault === 'down') {
      socket.resetAndDestroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // GWS 8.5 has no WebSocket transport: refuse upgrades so clients fall back to long-polling.
  server.on('upgrade', (_req: IncomingMessage, socket: Socket) => {
    requestCount++;
    if (fault === 'down') return void socket.resetAndDestroy();
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  logger.info({ url, users: [...userNames] }, 'GWS simulator listening');

  const close = async (): Promise<void> => {
    for (const timer of eventTimers) clearTimeout(timer);
    eventTimers.clear();
    replyFaults.close();
    bayeux.close();
    for (const res of hung) res.socket?.destroy();
    hung.clear();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    logger.info('GWS simulator closed');
  };

  return {
    url,
    received,
    get requestCount() {
      return requestCount;
    },
    forgetHttpSessions() {
      sessions.clear();
      bayeux.drop();
    },
    dropBayeuxSessions(username) {
      return bayeux.drop(username);
    },
    bayeuxClientCount(username) {
      return bayeux.clientCount(username);
    },
    publish(username, channel, data) {
      if (!userNames.has(username)) throw new Error(`publish: unknown simulator user ${username}`);
      bayeux.publish(username, channel, data);
    },
    setFault(next) {
      fault = next;
      if (next === 'down') for (const socket of sockets) socket.resetAndDestroy();
    },
    setReplyFault(next) {
      replyFault = next;
    },
    get faultyBytesSent() {
      return replyFaults.bytesSent;
    },
    resetCallingList() {
      callingList.reset();
    },
    close() {
      closing ??= close();
      return closing;
    },
  };
}
