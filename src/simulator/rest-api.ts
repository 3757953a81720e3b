/**
 * The REST side of the simulator: authentication (Basic or session), CSRF,
 * GET /api/v2/me, GET /api/v2/me/devices, and the outbound record operations.
 *
 * Order of checks: authentication (401), then CSRF for POST/PUT/DELETE (403),
 * then routing (404), body limit (413), JSON (400), validation (400, codes
 * 1/10), calling-list rules (404 code 6, 400 code 2).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';
import type { RecordOperationName } from '../operations/record-operations.js';
import type { CallingList } from './calling-list.js';
import { appendSetCookie, setCookie } from './cookies.js';
import type { DemoUser } from './demo-users.js';
import { accessDenied, csrfRefused, GwsError, notFound, sendGwsError, sendJson } from './gws-errors.js';
import { SESSION_COOKIE, type HttpSessions } from './http-sessions.js';
import type { EventInput } from './operation-events.js';
import { validateOperation } from './operation-validation.js';
import { parseJsonObject, readBody } from './request-body.js';
import type { ReceivedOperation } from './types.js';
import { devicesBody, meBody } from './user-resources.js';

/** What the REST API needs from the simulator around it. */
export interface RestApiDeps {
  readonly users: readonly DemoUser[];
  readonly sessions: HttpSessions;
  readonly csrf: boolean;
  readonly callingList: CallingList;
  readonly logger: Logger;
  /** Called for every operation worth remembering. */
  readonly onReceived: (operation: ReceivedOperation) => void;
  /** Called once the 200 of an accepted operation is on its way. */
  readonly onAccepted: (username: string, input: EventInput) => void;
}

const CSRF_HEADER_NAME = 'X-CSRF-TOKEN';
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);
const OUTBOUND_PATH = /^\/api\/v2\/me\/outbound-records(?:\/([^/]+))?\/?$/;

/** Serves /api/v2/** except the CometD endpoint. */
export class RestApi {
  readonly #deps: RestApiDeps;
  readonly #firstExtension: ReadonlyMap<string, number>;

  constructor(deps: RestApiDeps) {
    this.#deps = deps;
    let next = 5001;
    const firstExtension = new Map<string, number>();
    for (const user of deps.users) {
      firstExtension.set(user.username, next);
      next += user.deviceIds.length;
    }
    this.#firstExtension = firstExtension;
  }

  /** Answers one request; rejects only on unexpected failures (the caller answers 500). */
  async handle(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    const { sessions, csrf } = this.#deps;
    const identity = sessions.identify(req);
    if (!identity.ok) return sendGwsError(res, accessDenied());

    const { user } = identity;
    const method = req.method ?? 'GET';
    const mutating = !SAFE_METHODS.has(method);
    let session = identity.session;
    const csrfOk =
      !csrf || !mutating || (session !== undefined && req.headers['x-csrf-token'] === session.csrfToken);

    // Without a session there is no token yet, so a refused request opens none.
    if (!session && csrfOk) {
      session = sessions.create(user.username);
      appendSetCookie(res, setCookie(SESSION_COOKIE, session.id, true));
    }
    if (csrf && method === 'GET' && session) {
      res.setHeader('X-CSRF-HEADER', CSRF_HEADER_NAME);
      res.setHeader(CSRF_HEADER_NAME, session.csrfToken);
    }

    const outbound = OUTBOUND_PATH.exec(pathname);
    if (outbound && method === 'POST') return this.#outbound(req, res, user, csrfOk, pathname, outbound[1]);
    if (!csrfOk) return sendGwsError(res, csrfRefused());

    const origin = `http://${req.headers.host ?? 'localhost'}`;
    if (method === 'GET' && pathname === '/api/v2/me') return sendJson(res, 200, meBody(user, origin));
    if (method === 'GET' && pathname === '/api/v2/me/devices') {
      return sendJson(res, 200, devicesBody(user, origin, this.#firstExtension.get(user.username) ?? 5001));
    }
    return sendGwsError(res, notFound());
  }

  async #outbound(
    req: IncomingMessage,
    res: ServerResponse,
    user: DemoUser,
    csrfOk: boolean,
    path: string,
    handleSegment: string | undefined,
  ): Promise<void> {
    const receivedAtNanos = process.hrtime.bigint();
    let body: Record<string, unknown>;
    try {
      body = parseJsonObject(await readBody(req));
    } catch (error) {
      // The CSRF filter answers before anybody looks at the body.
      if (!csrfOk && !(error instanceof GwsError && error.httpStatus === 413)) throw csrfRefused();
      throw error;
    }

    const remember = (httpStatus: number, statusCode: number): void => {
      const operation: ReceivedOperation = {
        username: user.username,
        method: 'POST',
        path,
        ...(handleSegment !== undefined && /^\d{1,15}$/.test(handleSegment)
          ? { recordHandle: Number(handleSegment) }
          : {}),
        body,
        receivedAt: Date.now(),
        httpStatus,
        statusCode,
      };
      this.#deps.onReceived(operation);
      this.#deps.logger.info({ operation }, 'outbound operation received');
    };

    try {
      if (!csrfOk) throw csrfRefused();
      const { op, params, recordHandle } = validateOperation(body, handleSegment);
      // validateOperation found op in the table, so its name is a table name.
      const record = this.#deps.callingList.apply(op.operationName as RecordOperationName, params, recordHandle);
      remember(200, 0);
      sendJson(res, 200, { statusCode: 0 }, () =>
        this.#deps.onAccepted(user.username, { op, params, record, receivedAtNanos }),
      );
    } catch (error) {
      if (!(error instanceof GwsError)) throw error;
      remember(error.httpStatus, error.statusCode);
      sendGwsError(res, error);
    }
  }
}
