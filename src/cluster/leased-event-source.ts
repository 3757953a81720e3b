/**
 * A user's upstream event source when several instances share a Redis: the
 * real CometD session opens only on the instance holding the user's lease
 * (cometd-lease.ts); every other instance that needs the user waits on
 * standby, reading the shared log, and takes the lease over when its holder
 * releases it (at once, on a notification) or dies (it expires; checked every
 * fifth of the lease's lifetime). A takeover is recorded as a gap in the log,
 * with the new lease's token, before the new session starts.
 *
 * To the user's event stream this is just an UpstreamEventSource: it never
 * learns which instance holds the session.
 */
import { ErrorCode, gatewayError } from '../errors.js';
import type { UpstreamEventSource, UpstreamHandlers, UpstreamState } from '../events/user-event-stream.js';
import type { Logger } from '../logger.js';
import type { CometdLeases } from './cometd-lease.js';
import type { RedisConnections } from './redis-connection.js';
import type { RedisKeys } from './redis-keys.js';

export interface LeasedSourceOptions {
  leases: CometdLeases;
  redis: RedisConnections;
  keys: RedisKeys;
  /** Appends the takeover gap to the user's log (fenced by the lease just taken). */
  markGap: (userKey: string, reason: string) => Promise<void>;
  logger: Logger;
}

type SourceFactory<U> = (user: U, handlers: UpstreamHandlers) => UpstreamEventSource;

/** Wraps an event-source factory so that its sources open only under the user's lease. */
export function leasedEventSources<U extends { key: string }>(options: LeasedSourceOptions, inner: SourceFactory<U>): SourceFactory<U> {
  return (user, handlers) => new LeasedEventSource(options, user.key, (h) => inner(user, h), handlers);
}

type Phase =
  | { kind: 'new' }
  /** Another instance holds the lease (or nobody, and we try again on the next tick). */
  | { kind: 'standby' }
  | { kind: 'holding'; token: string; inner: UpstreamEventSource; renewedAt: number }
  | { kind: 'disposed' };

const REMOTE_STATES: readonly string[] = ['connecting', 'connected', 'reconnecting'];

export class LeasedEventSource implements UpstreamEventSource {
  readonly #o: LeasedSourceOptions;
  readonly #userKey: string;
  readonly #open: (handlers: UpstreamHandlers) => UpstreamEventSource;
  readonly #handlers: UpstreamHandlers;
  readonly #logger: Logger;
  #phase: Phase = { kind: 'new' };
  /** The holder's state as it last reported it (standby only). */
  #remoteState: string | null = null;
  /** Counts the holder's notices: a state read that a notice overtook is older than the notice (two connections, no order between them). */
  #notices = 0;
  #started: { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void; settled: boolean } | undefined;
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;
  #again = false;
  #stopListening: (() => void)[] = [];

  constructor(options: LeasedSourceOptions, userKey: string, open: (handlers: UpstreamHandlers) => UpstreamEventSource, handlers: UpstreamHandlers) {
    this.#o = options;
    this.#userKey = userKey;
    this.#open = open;
    this.#handlers = handlers;
    this.#logger = options.logger.child({ user: userKey });
  }

  get state(): UpstreamState {
    const phase = this.#phase;
    if (phase.kind === 'holding') return phase.inner.state;
    if (phase.kind === 'disposed') return 'closed';
    return this.#remoteState === 'connected' ? 'connected' : this.#remoteState === 'reconnecting' ? 'reconnecting' : 'connecting';
  }

  /** True while this instance holds the user's lease (and so the CometD session). */
  get holding(): boolean {
    return this.#phase.kind === 'holding';
  }

  /**
   * Resolves once live events flow for this user: this instance's own session
   * is subscribed, or the holder reported its session connected. Rejects with
   * UPSTREAM_UNAVAILABLE when Redis cannot be reached, or as the session's
   * own start rejects (UNAUTHENTICATED).
   */
  start(): Promise<void> {
    if (this.#started) return this.#started.promise;
    let resolve!: () => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const started = { promise, resolve: () => settle(() => resolve()), reject: (e: Error) => settle(() => reject(e)), settled: false };
    const settle = (f: () => void): void => {
      if (started.settled) return;
      started.settled = true;
      f();
    };
    this.#started = started;
    if (this.#phase.kind === 'disposed') {
      started.reject(closed());
      return promise;
    }
    this.#phase = { kind: 'standby' };
    const { channel } = this.#o.keys.user(this.#userKey);
    this.#stopListening.push(
      this.#o.redis.listen(channel, (_channel, message) => this.#onNotice(message)),
      this.#o.redis.onHealthChange((healthy) => {
        if (healthy) this.#kick();
      }),
    );
    const every = Math.max(50, Math.floor(this.#o.leases.ttlMs / 5));
    this.#timer = setInterval(() => this.#kick(), every);
    this.#timer.unref();
    this.#kick();
    return promise;
  }

  async dispose(): Promise<void> {
    const phase = this.#phase;
    if (phase.kind === 'disposed') return;
    this.#phase = { kind: 'disposed' };
    clearInterval(this.#timer);
    for (const stop of this.#stopListening.splice(0)) stop();
    this.#started?.reject(closed());
    if (phase.kind === 'holding') await this.#giveUp(phase, 'released');
  }

  /** Runs one tick now, or right after the one running. */
  #kick(): void {
    if (this.#ticking) {
      this.#again = true;
      return;
    }
    this.#ticking = this.#tick()
      .catch((error: unknown) => this.#logger.error({ err: error }, 'cometd lease tick failed'))
      .finally(() => {
        this.#ticking = undefined;
        if (this.#again) {
          this.#again = false;
          this.#kick();
        }
      });
  }

  async #tick(): Promise<void> {
    const phase = this.#phase;
    if (phase.kind === 'holding') return this.#renew(phase);
    if (phase.kind !== 'standby') return;
    let token: string | undefined;
    try {
      token = await this.#o.leases.tryAcquire(this.#userKey);
    } catch (error) {
      this.#redisFailed(error);
      return;
    }
    if (this.#phase.kind !== 'standby') {
      // Disposed while asking: give back what we just took.
      if (token) await this.#o.leases.release(this.#userKey, token).catch(() => undefined);
      return;
    }
    if (token) {
      await this.#takeOver(token);
      return;
    }
    // Started and connected: the holder's state changes come as notices, no need to ask on every tick.
    // Otherwise ask: a notice may have been lost (pub/sub is fire-and-forget) or overtaken by an older read.
    if (this.#started?.settled && this.state === 'connected') return;
    try {
      const notices = this.#notices;
      const holder = await this.#o.leases.holder(this.#userKey);
      if (this.#phase.kind !== 'standby') return;
      if (!holder.held) this.#again = true; // released between our SET NX and this look: try again now
      else if (notices === this.#notices) this.#setRemote(holder.state);
    } catch (error) {
      this.#redisFailed(error);
    }
  }

  /**
   * A Redis command failed. Redis unreachable: whoever waits for the start
   * learns it now (UPSTREAM_UNAVAILABLE). A slow answer on a live connection
   * (a busy moment): the next tick tries again.
   */
  #redisFailed(error: unknown): void {
    if (!this.#o.redis.healthy) this.#started?.reject(redisUnavailable(error));
    else this.#logger.debug({ error: (error as Error)?.message }, 'cometd lease: a Redis command failed; trying again on the next tick');
  }

  async #takeOver(token: string): Promise<void> {
    const inner = this.#open({
      onMessage: (channel, data) => {
        if (this.#isCurrent(inner)) this.#handlers.onMessage(channel, data);
      },
      onStateChange: (state, error) => {
        if (!this.#isCurrent(inner)) return;
        this.#handlers.onStateChange(state, error);
        void this.#o.leases.setState(this.#userKey, token, state).catch(() => undefined);
      },
      onInterrupted: (reason) => {
        if (this.#isCurrent(inner)) this.#handlers.onInterrupted?.(reason);
      },
    });
    const phase: Phase & { kind: 'holding' } = { kind: 'holding', token, inner, renewedAt: Date.now() };
    this.#phase = phase;
    this.#logger.info({ instance: this.#o.leases.instanceId }, 'cometd lease acquired: opening the upstream session here');
    try {
      // Whatever came upstream between the last holder's end and now is unknown: say so in the log first.
      await this.#o.markGap(this.#userKey, 'upstream session taken over by another instance');
      await this.#o.leases.setState(this.#userKey, token, 'connecting');
    } catch (error) {
      // No session was opened yet: give the lease back and try again on a later tick (or fail, if Redis is gone).
      if (this.#phase !== phase) return;
      this.#phase = { kind: 'standby' };
      await this.#giveUp(phase, 'could not record the takeover');
      this.#redisFailed(error);
      return;
    }
    try {
      await inner.start();
    } catch (error) {
      if (this.#phase !== phase) return; // disposed or lost meanwhile: that path cleaned up
      this.#phase = { kind: 'standby' };
      await this.#giveUp(phase, 'start failed');
      // The session's own error (UNAUTHENTICATED, ...) as it is; the event stream maps anything else.
      this.#started?.reject(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (this.#phase !== phase) return;
    await this.#o.leases.setState(this.#userKey, token, inner.state).catch(() => undefined);
    this.#started?.resolve();
  }

  async #renew(phase: Phase & { kind: 'holding' }): Promise<void> {
    const now = Date.now();
    if (now - phase.renewedAt < this.#o.leases.ttlMs / 3) return;
    try {
      const ours = await this.#o.leases.renew(this.#userKey, phase.token, phase.inner.state);
      if (this.#phase !== phase) return;
      if (ours) phase.renewedAt = now;
      else await this.#lose(phase, 'another instance holds the lease now');
    } catch {
      // Redis unreachable: past the lease's life another instance may hold it; stop before it could.
      if (this.#phase === phase && Date.now() - phase.renewedAt > this.#o.leases.ttlMs * 0.6) {
        await this.#lose(phase, 'cannot renew the lease (Redis unreachable)');
      }
    }
  }

  async #lose(phase: Phase & { kind: 'holding' }, reason: string): Promise<void> {
    this.#logger.warn({ reason }, 'cometd lease lost: closing the upstream session here');
    this.#phase = { kind: 'standby' };
    this.#remoteState = null;
    this.#o.leases.forget(this.#userKey, phase.token);
    this.#handlers.onStateChange('reconnecting', new Error(reason));
    await phase.inner.dispose().catch(() => undefined);
  }

  /** Closes our session first (nothing more is appended), then frees the lease for the next instance. */
  async #giveUp(phase: Phase & { kind: 'holding' }, why: string): Promise<void> {
    this.#o.leases.forget(this.#userKey, phase.token);
    await phase.inner.dispose().catch(() => undefined);
    await this.#o.leases.release(this.#userKey, phase.token).catch(() => undefined);
    this.#logger.info({ why }, 'cometd lease released');
  }

  #onNotice(message: string): void {
    if (this.#phase.kind !== 'standby') return;
    this.#notices++;
    if (message === 'r') this.#kick();
    else if (message.startsWith('s ')) this.#setRemote(message.slice(2));
  }

  #setRemote(state: string | null): void {
    const before = this.state;
    this.#remoteState = state !== null && REMOTE_STATES.includes(state) ? state : null;
    // The event stream judges a stall by the state changes it is told of: on standby, the holder's are ours.
    if (this.state !== before) this.#handlers.onStateChange(this.state);
    if (this.#remoteState === 'connected') this.#started?.resolve();
  }

  #isCurrent(inner: UpstreamEventSource): boolean {
    return this.#phase.kind === 'holding' && this.#phase.inner === inner;
  }
}

function closed(): Error {
  return gatewayError(ErrorCode.UPSTREAM_UNAVAILABLE, 'The live event session was closed');
}

function redisUnavailable(error: unknown): Error {
  return gatewayError(ErrorCode.UPSTREAM_UNAVAILABLE, `Live events are unavailable: Redis cannot be reached (${(error as Error)?.message ?? String(error)})`);
}
