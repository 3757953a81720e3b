import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildUpstreamRequest, MAX_NAME_LENGTH } from '../../src/operations/build-request.js';
import { CALL_RESULTS, CALLBACK_TYPE, CHAIN_ATTRIBUTE, PHONE_TYPE } from '../../src/operations/gws-enums.js';
import { operationByName, RECORD_OPERATIONS } from '../../src/operations/record-operations.js';

const reject = operationByName('RejectRecord')!;
const cancel = operationByName('CancelRecord')!;
const valid = { applicationId: 134, campaignName: 'Campaign1', callingList: 'CallingList1', devicePath: '/devices/abc-1' };

function invalidFields(fn: () => unknown): { field: string; message: string }[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).extensions['code']).toBe('BAD_USER_INPUT');
    return (error as GraphQLError).extensions['invalidFields'] as { field: string; message: string }[];
  }
  throw new Error('expected BAD_USER_INPUT');
}

describe('buildUpstreamRequest', () => {
  it('puts the handle in the URL only where the seed does', () => {
    expect(buildUpstreamRequest(reject, 9, valid).path).toBe('/api/v2/me/outbound-records/9');
    expect(buildUpstreamRequest(cancel, undefined, { ...valid, phoneNumber: '4100180988' }).path).toBe('/api/v2/me/outbound-records');
  });

  it('generates a unique referenceId when none is given and keeps the given one', () => {
    const a = buildUpstreamRequest(reject, 9, valid);
    const b = buildUpstreamRequest(reject, 9, valid);
    expect(a.referenceId).toMatch(/^gql-[0-9a-f-]{36}$/);
    expect(a.referenceId).not.toBe(b.referenceId);
    expect(a.body['referenceId']).toBe(a.referenceId);
    expect(buildUpstreamRequest(reject, 9, { ...valid, referenceId: 'mine-1' }).body['referenceId']).toBe('mine-1');
  });

  it('leaves optional fields out of the body when not given', () => {
    const update = operationByName('UpdateRecord')!;
    const { body } = buildUpstreamRequest(update, 6, { applicationId: 134, campaignName: 'C', devicePath: '/devices/x', timeZone: null });
    expect(Object.keys(body).sort()).toEqual(['applicationId', 'campaignName', 'devicePath', 'operationName', 'referenceId']);
  });

  it.each([
    ['callbackType', 'RescheduleRecord', CALLBACK_TYPE],
    ['chainAttribute', 'CancelRecord', CHAIN_ATTRIBUTE],
    ['phoneType', 'UpdateRecord', PHONE_TYPE],
  ] as const)('maps every %s value to its GWS string', (field, opName, table) => {
    const op = operationByName(opName)!;
    const base: Record<string, unknown> = { ...valid, phoneNumber: '123', timestamp: 1, callbackType: 'PERSONAL' };
    const own = Object.fromEntries(op.fields.filter((f) => f.name in base).map((f) => [f.name, base[f.name]]));
    for (const [name, gws] of Object.entries(table)) {
      const input = { ...own, [field]: name };
      expect(buildUpstreamRequest(op, 1, input).body[field]).toBe(gws);
    }
  });

  it('maps every call result to its GWS string', () => {
    const complete = operationByName('CompleteRecord')!;
    expect(CALL_RESULTS).toHaveLength(54);
    for (const r of CALL_RESULTS) expect(buildUpstreamRequest(complete, 12, { ...valid, callResult: r.name }).body['callResult']).toBe(r.gws);
    expect(CALL_RESULTS.find((r) => r.code === 33)?.gws).toBe('Answer');
  });

  it('rejects a non-positive record handle', () => {
    expect(invalidFields(() => buildUpstreamRequest(reject, 0, valid))).toEqual([{ field: 'recordHandle', message: 'must be a positive integer' }]);
    expect(invalidFields(() => buildUpstreamRequest(reject, -4, valid))[0]?.field).toBe('recordHandle');
  });

  it.each([
    ['campaignName', '   ', 'must not be empty'],
    ['callingList', '', 'must not be empty'],
    ['campaignName', 'x'.repeat(MAX_NAME_LENGTH + 1), `must be at most ${MAX_NAME_LENGTH} characters`],
    ['campaignName', 'bad\u0000name', 'must not contain control characters'],
    ['devicePath', 'devices/abc', 'must be of the form /devices/<id> (see Query.devices)'],
    ['devicePath', '/devices/../etc', 'must be of the form /devices/<id> (see Query.devices)'],
    ['devicePath', '/phones/abc', 'must be of the form /devices/<id> (see Query.devices)'],
    ['applicationId', -1, 'must be an integer from 0 to 2147483647'],
    ['referenceId', 'has space', 'may contain only letters, digits and . _ : @ -'],
  ])('rejects %s = %j', (field, value, message) => {
    expect(invalidFields(() => buildUpstreamRequest(reject, 9, { ...valid, [field]: value }))).toEqual([{ field: `input.${field}`, message }]);
  });

  it.each(['41001<script>', 'abc', '++41', '4'.repeat(41), '41\n00'])('rejects the phone number %j', (phoneNumber) => {
    expect(invalidFields(() => buildUpstreamRequest(cancel, undefined, { ...valid, phoneNumber }))[0]?.field).toBe('input.phoneNumber');
  });

  it.each(['4100180988', '+33 1 23 45 67 89', '(555) 123-4567', '555.123.4567#12'])('accepts the phone number %j', (phoneNumber) => {
    expect(buildUpstreamRequest(cancel, undefined, { ...valid, phoneNumber }).body['phoneNumber']).toBe(phoneNumber);
  });

  it('lists every problem at once, and missing required fields', () => {
    const fields = invalidFields(() => buildUpstreamRequest(reject, 0, { applicationId: 134, devicePath: 'x' }));
    expect(fields.map((f) => f.field).sort()).toEqual(['input.callingList', 'input.campaignName', 'input.devicePath', 'recordHandle']);
  });

  it('every operation in the table has the seed-required fields first-class', () => {
    for (const op of RECORD_OPERATIONS) {
      expect(op.fields.some((f) => f.name === 'devicePath' && f.required)).toBe(true);
      expect(op.fields.some((f) => f.name === 'referenceId' && !f.required)).toBe(true);
    }
  });
});
