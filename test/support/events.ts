/** What the integration tests select of an outbound record event, and an event flood for the slow-consumer cases. */
import type { Stack } from './stack.js';

export interface EventShape {
  notificationType: string;
  upstreamNotificationType: string;
  messageType: string;
  referenceId: string | null;
  record: Record<string, unknown>;
  userData: Record<string, unknown> | null;
  receivedAt: string;
}
export type EventResult = { outboundRecordEvents: EventShape };

/**
 * Publishes `total` acks of 64 KB for agent1 (referenceIds flood-0, flood-1, …) in batches of `batch`, waiting after
 * each batch until the reader that keeps up has them all: below its queue bound, it never overflows.
 */
export async function publishFlood(stack: Stack, waitFor: (count: number, timeoutMs: number) => Promise<unknown>, total = 400, batch = 25): Promise<string[]> {
  const big = 'C'.repeat(64 * 1024);
  for (let i = 0; i < total; i += batch) {
    for (let j = i; j < i + batch; j++) {
      stack.simulator.publish('agent1', '/v2/me/outbound', {
        notificationType: 'RecordRejectAcknowledge',
        messageType: 'OutboundRecordMessage',
        referenceId: `flood-${j}`,
        record: { recordHandle: 1, campaignName: big },
      });
    }
    await waitFor(i + batch, 10_000);
  }
  return Array.from({ length: total }, (_, i) => `flood-${i}`);
}
