/**
 * The GraphQL enums of the contract and the GWS strings they stand for.
 * One table per enum: the schema's enum values, the resolvers (GraphQL enum
 * value -> GWS string) and the event mapper (GWS string or code -> enum) all
 * read from here, so a wrong guess about a GWS name is a one-line change.
 */

/** GraphQL enum value -> GWS string. */
export type EnumTable = Readonly<Record<string, string>>;

export const CALLBACK_TYPE = {
  PERSONAL: 'Personal',
  CAMPAIGN: 'Campaign',
} as const satisfies EnumTable;

export const CHAIN_ATTRIBUTE = {
  ALL_CHAIN: 'AllChain',
  RECORD_ONLY: 'RecordOnly',
} as const satisfies EnumTable;

export const PHONE_TYPE = {
  NO_CONTACT_TYPE: 'NoContactType',
  HOME_PHONE: 'HomePhone',
  DIRECT_BUSINESS_PHONE: 'DirectBusinessPhone',
  BUSINESS_WITH_EXT: 'BusinessWithExt',
  MOBILE: 'Mobile',
  VACATION_PHONE: 'VacationPhone',
  PAGER: 'Pager',
  MODEM: 'Modem',
  VOICE_MAIL: 'VoiceMail',
  PIN_PAGER: 'PinPager',
  EMAIL_ADDRESS: 'EmailAddress',
  INSTANT_MESSAGING: 'InstantMessaging',
} as const satisfies EnumTable;

/**
 * Outbound Contact Server call results, in code order (index = the numeric
 * code GWS reports as GSW_CALL_RESULT). The CamelCase GWS string is inferred
 * from the OCS names (gws-notes.md): change it here if GWS disagrees.
 */
const CALL_RESULT_NAMES = [
  'Ok', 'Transferred', 'Conferenced', 'General Error', 'System Error', 'Remote Release', 'Busy',
  'No Answer', 'SIT Detected', 'Answering Machine Detected', 'All Trunks Busy', 'SIT Invalid Num',
  'SIT VC', 'SIT IC', 'SIT Unknown', 'SIT NC', 'SIT RO', 'Fax', 'Queue Full', 'Cleared', 'Overflowed',
  'Abandoned', 'Redirected', 'Forwarded', 'Consult', 'Picked Up', 'Dropped', 'Dropped On No Answer',
  'Unknown', 'Covered', 'Converse On', 'Bridged', 'Silence', 'Answer', 'NU Tone', 'No Dial Tone',
  'No Progress', 'No Ring Back Tone', 'No Established Detected', 'Pager', 'Wrong Party', 'Dial Error',
  'Call Drop Error', 'Switch Error', 'No Port Available', 'Transfer Error', 'Stale',
  'Agent Callback Error', 'Group Callback Error', 'Deafened', 'Held', 'Do Not Call', 'Cancel Record',
  'Wrong Number',
] as const;

export interface CallResultEntry {
  /** GraphQL enum value, e.g. ANSWERING_MACHINE_DETECTED. */
  readonly name: string;
  /** The string sent to GWS, e.g. AnsweringMachineDetected. */
  readonly gws: string;
  /** The OCS numeric code, as in GSW_CALL_RESULT. */
  readonly code: number;
}

export const CALL_RESULTS: readonly CallResultEntry[] = CALL_RESULT_NAMES.map((words, code) => ({
  name: words.toUpperCase().replace(/ /g, '_'),
  gws: words
    .split(' ')
    .map((w) => (w.length <= 3 && w === w.toUpperCase() ? w : w[0]!.toUpperCase() + w.slice(1).toLowerCase()))
    .join(''),
  code,
}));

export const CALL_RESULT: EnumTable = Object.fromEntries(CALL_RESULTS.map((r) => [r.name, r.gws]));

/** GSW_CALL_RESULT arrives as a number (CompleteRecord) or a numeric string (UpdateRecord). */
export function callResultFromCode(code: unknown): CallResultEntry | undefined {
  const n = typeof code === 'string' && /^\d+$/.test(code) ? Number(code) : code;
  return typeof n === 'number' ? CALL_RESULTS[n] : undefined;
}

/** The acknowledgements GWS sends on /v2/me/outbound for the five operations. */
export const OUTBOUND_NOTIFICATION_TYPE = {
  SCHEDULED_RECORD_RESCHEDULE_ACKNOWLEDGE: 'ScheduledRecordRescheduleAcknowledge',
  RECORD_REJECT_ACKNOWLEDGE: 'RecordRejectAcknowledge',
  UPDATE_CALL_COMPLETION_STATS_ACKNOWLEDGE: 'UpdateCallCompletionStatsAcknowledge',
  RECORD_CANCEL_ACKNOWLEDGE: 'RecordCancelAcknowledge',
  RECORD_PROCESSED_ACKNOWLEDGE: 'RecordProcessedAcknowledge',
  // Other outbound events GWS documents (gws-notes.md), so they are not UNKNOWN.
  DO_NOT_CALL_ACKNOWLEDGE: 'DoNotCallAcknowledge',
  CHAINED_RECORDS_DATA_END: 'ChainedRecordsDataEnd',
  PREVIEW_RECORD: 'PreviewRecord',
} as const satisfies EnumTable;

/** Enum value for a notification type this version does not know. */
export const UNKNOWN_NOTIFICATION_TYPE = 'UNKNOWN';

export type OutboundNotificationTypeName = keyof typeof OUTBOUND_NOTIFICATION_TYPE | typeof UNKNOWN_NOTIFICATION_TYPE;

const notificationByGws = new Map<string, OutboundNotificationTypeName>(
  Object.entries(OUTBOUND_NOTIFICATION_TYPE).map(([k, v]) => [v, k as OutboundNotificationTypeName]),
);

export function notificationTypeFromGws(gws: string): OutboundNotificationTypeName {
  return notificationByGws.get(gws) ?? UNKNOWN_NOTIFICATION_TYPE;
}

/** Reverse lookup for any table: GWS string -> GraphQL enum value. */
export function enumNameOf(table: EnumTable, gws: string): string | undefined {
  for (const [name, value] of Object.entries(table)) if (value === gws) return name;
  return undefined;
}
