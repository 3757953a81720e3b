/** The subscription filter of CONTRACT.md: every given criterion must hold. */
import type { OutboundRecordEventModel } from './outbound-record-event.js';

export interface OutboundRecordEventFilter {
  campaignName?: string | null;
  callingList?: string | null;
  recordHandle?: number | null;
  referenceId?: string | null;
  notificationTypes?: readonly string[] | null;
}

export function matchesFilter(event: OutboundRecordEventModel, filter: OutboundRecordEventFilter | null | undefined): boolean {
  if (!filter) return true;
  const given = (v: unknown): boolean => v !== undefined && v !== null;
  if (given(filter.campaignName) && event.record.campaignName !== filter.campaignName) return false;
  if (given(filter.callingList) && event.record.callingList !== filter.callingList) return false;
  if (given(filter.recordHandle) && event.record.recordHandle !== filter.recordHandle) return false;
  if (given(filter.referenceId) && event.referenceId !== filter.referenceId) return false;
  if (filter.notificationTypes && filter.notificationTypes.length > 0 && !filter.notificationTypes.includes(event.notificationType)) {
    return false;
  }
  return true;
}
