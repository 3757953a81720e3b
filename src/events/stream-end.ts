/** The last item of a subscriber's stream that ended abnormally (too slow, credentials refused, cursor expired, shutdown). */
export interface QueueEnd {
  readonly end: true;
  readonly code: string;
  readonly message: string;
  /** The error to show the client as it is (e.g. BAD_USER_INPUT with its invalidFields), when there is one. */
  readonly error?: Error;
}

/** What a subscriber's stream yields: events, then possibly one QueueEnd. */
export type QueueItem<T> = T | QueueEnd;

export function isQueueEnd(item: unknown): item is QueueEnd {
  return typeof item === 'object' && item !== null && (item as { end?: unknown }).end === true;
}
