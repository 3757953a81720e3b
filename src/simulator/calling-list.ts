/**
 * The in-memory calling list the record operations act on: records 1..20 of
 * application 134, campaign Campaign1, calling list CallingList1 (the values
 * of the seed samples; record 11 has the cancel seed's phone 4100180988).
 * State rules live in one table, one row per operation.
 */
import { CALL_RESULTS } from '../operations/gws-enums.js';
import type { RecordOperationName } from '../operations/record-operations.js';
import { GWS_STATUS, GwsError, notFound } from './gws-errors.js';

/** OCS application id of every simulated record (the seeds' 134). */
export const SIM_APPLICATION_ID = 134;
/** Campaign of every simulated record. */
export const SIM_CAMPAIGN = 'Campaign1';
/** Calling list of every simulated record. */
export const SIM_CALLING_LIST = 'CallingList1';
/** Records 1..SIM_RECORD_COUNT exist. */
export const SIM_RECORD_COUNT = 20;

/** GSW_CALL_RESULT the seed shows for a record nobody completed yet (21, Abandoned). */
export const DEFAULT_LAST_CALL_RESULT = 21;
/** GSW_CALL_RESULT of a CompleteRecord without callResult (the seed shows 33, Answer). */
export const DEFAULT_COMPLETE_CALL_RESULT = 33;

/** Where a record stands after the operations applied to it. */
export type RecordState = 'ready' | 'rescheduled' | 'rejected' | 'updated' | 'cancelled' | 'completed';

/** One calling-list record, as the simulator tracks it. */
export interface CallingRecord {
  readonly recordHandle: number;
  readonly applicationId: number;
  readonly campaignName: string;
  readonly callingList: string;
  readonly phoneNumber: string;
  readonly state: RecordState;
  /** OCS call result code (GSW_CALL_RESULT). */
  readonly lastCallResult: number;
  readonly callbackType?: string;
  /** Reschedule time, seconds since the epoch. */
  readonly scheduledAt?: number;
  readonly timeZone?: string;
  readonly phoneType?: string;
  readonly from?: number;
  readonly until?: number;
}

type Params = Readonly<Record<string, unknown>>;

/** Records in these states are done with: further state changes are refused with statusCode 2. */
const FINAL_STATES: ReadonlySet<RecordState> = new Set(['completed', 'cancelled']);

interface Transition {
  /** Refuse (statusCode 2) when the record is completed or cancelled. */
  readonly refuseWhenFinal: boolean;
  /** State after the operation (a final state is kept when the operation is allowed on it). */
  readonly next: RecordState;
  /** A phoneNumber parameter identifies the record (rather than being a new value). */
  readonly phoneIdentifies: boolean;
  /** Field changes besides the state. */
  readonly change?: (record: CallingRecord, params: Params) => Partial<CallingRecord>;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

function completedCallResult(params: Params): number {
  const gws = str(params['callResult']);
  return CALL_RESULTS.find((r) => r.gws === gws)?.code ?? DEFAULT_COMPLETE_CALL_RESULT;
}

const TRANSITIONS = {
  RescheduleRecord: {
    refuseWhenFinal: true,
    next: 'rescheduled',
    phoneIdentifies: false,
    change: (_r, p) => ({ callbackType: str(p['callbackType']), scheduledAt: num(p['timestamp']) }),
  },
  RejectRecord: { refuseWhenFinal: true, next: 'rejected', phoneIdentifies: false },
  UpdateRecord: {
    refuseWhenFinal: false,
    next: 'updated',
    phoneIdentifies: false,
    change: (r, p) => ({
      phoneNumber: str(p['phoneNumber']) ?? r.phoneNumber,
      timeZone: str(p['timeZone']) ?? r.timeZone,
      phoneType: str(p['phoneType']) ?? r.phoneType,
      from: num(p['from']) ?? r.from,
      until: num(p['until']) ?? r.until,
    }),
  },
  CancelRecord: { refuseWhenFinal: true, next: 'cancelled', phoneIdentifies: true },
  CompleteRecord: {
    refuseWhenFinal: true,
    next: 'completed',
    phoneIdentifies: true,
    change: (_r, p) => ({ lastCallResult: completedCallResult(p) }),
  },
} as const satisfies Record<RecordOperationName, Transition>;

function initialRecords(): Map<number, CallingRecord> {
  const records = new Map<number, CallingRecord>();
  for (let handle = 1; handle <= SIM_RECORD_COUNT; handle++) {
    records.set(handle, {
      recordHandle: handle,
      applicationId: SIM_APPLICATION_ID,
      campaignName: SIM_CAMPAIGN,
      callingList: SIM_CALLING_LIST,
      phoneNumber: handle === 11 ? '4100180988' : `41001809${String(handle).padStart(2, '0')}`,
      state: 'ready',
      lastCallResult: DEFAULT_LAST_CALL_RESULT,
    });
  }
  return records;
}

/** The simulated calling list. Records are immutable snapshots, replaced on change. */
export class CallingList {
  #records = initialRecords();

  /** Back to the initial 20 ready records. */
  reset(): void {
    this.#records = initialRecords();
  }

  /** A record by handle. */
  get(recordHandle: number): CallingRecord | undefined {
    return this.#records.get(recordHandle);
  }

  /**
   * Applies a validated operation; returns the record after the change.
   * Throws GwsError 6 when no record matches, 2 when its state forbids the operation.
   */
  apply(operationName: RecordOperationName, params: Params, recordHandle: number | undefined): CallingRecord {
    const rule: Transition = TRANSITIONS[operationName];
    const record = recordHandle === undefined ? this.#byPhone(params) : this.#byHandle(recordHandle, params, rule);
    const isFinal = FINAL_STATES.has(record.state);
    if (isFinal && rule.refuseWhenFinal) {
      throw new GwsError(
        GWS_STATUS.INVALID_STATE,
        `Record ${record.recordHandle} is ${record.state}: ${operationName} is not valid for its current state`,
      );
    }
    const updated: CallingRecord = {
      ...record,
      ...rule.change?.(record, params),
      state: isFinal ? record.state : rule.next,
    };
    this.#records.set(updated.recordHandle, updated);
    return updated;
  }

  #byHandle(recordHandle: number, params: Params, rule: Transition): CallingRecord {
    const record = this.#records.get(recordHandle);
    const phone = rule.phoneIdentifies ? params['phoneNumber'] : undefined;
    if (
      !record ||
      record.applicationId !== params['applicationId'] ||
      record.campaignName !== params['campaignName'] ||
      (params['callingList'] !== undefined && record.callingList !== params['callingList']) ||
      (phone !== undefined && record.phoneNumber !== phone)
    ) {
      throw notFound('Record');
    }
    return record;
  }

  #byPhone(params: Params): CallingRecord {
    for (const record of this.#records.values()) {
      if (
        record.applicationId === params['applicationId'] &&
        record.campaignName === params['campaignName'] &&
        record.callingList === params['callingList'] &&
        record.phoneNumber === params['phoneNumber']
      ) {
        return record;
      }
    }
    throw notFound('Record');
  }
}
