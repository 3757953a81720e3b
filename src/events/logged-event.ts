/** An event as clients see it: the paired event plus its cursor in the user's log. */
import type { EventLogEntry } from './event-log.js';
import type { OutboundRecordEventModel } from './outbound-record-event.js';

export type LoggedOutboundRecordEvent = OutboundRecordEventModel & { readonly cursor: string };

type EventEntry = Extract<EventLogEntry, { kind: 'event' }>;

// One copy per entry, shared by every reader of it (the memory log hands the same entry to all).
const cache = new WeakMap<EventEntry, LoggedOutboundRecordEvent>();

/** The entry's event with its cursor. */
export function loggedEvent(entry: EventEntry): LoggedOutboundRecordEvent {
  let event = cache.get(entry);
  if (!event) {
    event = { ...entry.event, cursor: entry.cursor };
    cache.set(entry, event);
  }
  return event;
}
