/**
 * Cursors: the opaque positions of a user's event log, as clients see them.
 *
 * A cursor is base64url of: a version byte, the log's epoch (random per log
 * lifetime: an in-memory log after a restart has another one), a sequence
 * number, and a short keyed tag of (user, epoch, sequence). The tag is an
 * HMAC with a secret of the log, so a cursor tells nothing about its user
 * (user keys are hashes of credentials) and one user's cursor is recognised
 * as foreign in another user's log. The user a read is for always comes from
 * the credential; the cursor only says where in that user's log to start.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ErrorCode, GatewayDomainError } from '../errors.js';

/** The log can no longer vouch for what follows this cursor (trimmed, another lifetime, an upstream gap, another credential). */
export class CursorExpiredError extends GatewayDomainError {
  constructor(message = 'This cursor has expired: refetch what you show, then subscribe without `after`') {
    super(ErrorCode.CURSOR_EXPIRED, message);
  }
}

/** The string given as a cursor is not one. */
export class InvalidCursorError extends GatewayDomainError {
  constructor(field = 'after') {
    super(ErrorCode.BAD_USER_INPUT, `Invalid input: ${field}: not a cursor of this gateway`, {
      invalidFields: [{ field, message: 'not a cursor of this gateway' }],
    });
  }
}

const VERSION = 1;
const EPOCH_BYTES = 8;
const TAG_BYTES = 8;
const LENGTH = 1 + EPOCH_BYTES + 8 + TAG_BYTES;
/** Longest string worth decoding (base64url of LENGTH bytes is 34 characters). */
const MAX_CURSOR_CHARS = 64;
/** Cursors remembered with the user and sequence they were made or checked for (the most recent ones). */
const KNOWN_MAX = 8_192;

/** Encodes and checks the cursors of one log lifetime. */
export class CursorCodec {
  readonly #epoch: Buffer;
  readonly #secret: Buffer;
  /**
   * Cursors this codec made or already checked, with their user and
   * sequence: every live subscriber reads after a recent cursor on every
   * append, and an HMAC per read was most of the cost of a read. A string is
   * only found here if it is exactly one whose tag held for that user.
   */
  readonly #known = new Map<string, { userKey: string; sequence: number }>();

  /**
   * @param epoch identifies the log's lifetime (random by default)
   * @param secret the tag's HMAC key (random by default: fine for one process)
   */
  constructor(options: { epoch?: Buffer; secret?: Buffer } = {}) {
    this.#epoch = options.epoch ?? randomBytes(EPOCH_BYTES);
    this.#secret = options.secret ?? randomBytes(32);
    if (this.#epoch.length !== EPOCH_BYTES) throw new Error(`epoch must be ${EPOCH_BYTES} bytes`);
  }

  /** The cursor of position `sequence` (a safe non-negative integer) in this user's log. */
  encode(userKey: string, sequence: number): string {
    const bytes = Buffer.alloc(LENGTH);
    bytes.writeUInt8(VERSION, 0);
    this.#epoch.copy(bytes, 1);
    bytes.writeBigUInt64BE(BigInt(sequence), 1 + EPOCH_BYTES);
    this.#tag(userKey, bytes.subarray(0, LENGTH - TAG_BYTES)).copy(bytes, LENGTH - TAG_BYTES);
    const cursor = bytes.toString('base64url');
    this.#remember(cursor, userKey, sequence);
    return cursor;
  }

  /**
   * The sequence number a cursor of this user's log stands for.
   * @throws InvalidCursorError when the string is not a cursor
   * @throws CursorExpiredError when it is one of another log lifetime or another user
   */
  decode(userKey: string, cursor: string, field = 'after'): number {
    const known = typeof cursor === 'string' ? this.#known.get(cursor) : undefined;
    if (known !== undefined && known.userKey === userKey) return known.sequence;
    if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > MAX_CURSOR_CHARS || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
      throw new InvalidCursorError(field);
    }
    const bytes = Buffer.from(cursor, 'base64url');
    if (bytes.length !== LENGTH || bytes.readUInt8(0) !== VERSION) throw new InvalidCursorError(field);
    if (!bytes.subarray(1, 1 + EPOCH_BYTES).equals(this.#epoch)) {
      throw new CursorExpiredError('This cursor is from before a restart of the gateway: refetch what you show, then subscribe without `after`');
    }
    const tag = this.#tag(userKey, bytes.subarray(0, LENGTH - TAG_BYTES));
    // Another credential's cursor (e.g. before a token refresh): not this log's position, and never its events.
    if (!timingSafeEqual(tag, bytes.subarray(LENGTH - TAG_BYTES))) throw new CursorExpiredError('This cursor belongs to another credential\'s event log: refetch what you show, then subscribe without `after`');
    const sequence = bytes.readBigUInt64BE(1 + EPOCH_BYTES);
    if (sequence > BigInt(Number.MAX_SAFE_INTEGER)) throw new InvalidCursorError(field);
    this.#remember(cursor, userKey, Number(sequence));
    return Number(sequence);
  }

  #remember(cursor: string, userKey: string, sequence: number): void {
    // Oldest first out (a Map keeps insertion order): bounded whatever the number of users.
    if (this.#known.size >= KNOWN_MAX) this.#known.delete(this.#known.keys().next().value!);
    this.#known.set(cursor, { userKey, sequence });
  }

  #tag(userKey: string, body: Buffer): Buffer {
    return createHmac('sha256', this.#secret).update(userKey).update('\0').update(body).digest().subarray(0, TAG_BYTES);
  }
}
