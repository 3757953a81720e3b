/**
 * Catch-up without a socket: a page of a user's events after a cursor, read
 * from the same log the subscription replays, with the cursor to continue
 * from. A gap (upstream interruption) in the range is CURSOR_EXPIRED, as for
 * a resumed subscription.
 */
import { CursorExpiredError } from './cursor.js';
import { matchesFilter, type OutboundRecordEventFilter } from './event-filter.js';
import type { EventLog } from './event-log.js';
import { loggedEvent, type LoggedOutboundRecordEvent } from './logged-event.js';

/** A page of events. */
export interface EventPage {
  events: LoggedOutboundRecordEvent[];
  /** Where to continue from (this query or the subscription's `after`). */
  cursor: string;
  /** More matching events follow `cursor` already. */
  hasMore: boolean;
}

const BATCH = 200;

/**
 * At most `first` events after `after` that match the filter.
 * @throws CursorExpiredError, InvalidCursorError (from the log), CursorExpiredError on a gap
 */
export async function readEventPage(
  log: EventLog,
  userKey: string,
  after: string,
  filter: OutboundRecordEventFilter | null | undefined,
  first: number,
): Promise<EventPage> {
  const events: LoggedOutboundRecordEvent[] = [];
  let position = after;
  for (;;) {
    const read = await log.read(userKey, position, BATCH);
    for (const entry of read.entries) {
      if (entry.kind === 'gap') {
        throw new CursorExpiredError(
          'The gateway\'s upstream event session was interrupted after this cursor: refetch what you show, then subscribe without `after`',
        );
      }
      if (!matchesFilter(entry.event, filter)) continue;
      // One more than asked for tells whether more follow; the page ends at the last one returned.
      if (events.length === first) return { events, cursor: events.at(-1)!.cursor, hasMore: true };
      events.push(loggedEvent(entry));
    }
    position = read.next;
    if (read.entries.length < BATCH) return { events, cursor: position, hasMore: false };
  }
}
