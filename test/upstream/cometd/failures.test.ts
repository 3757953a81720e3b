import { describe, expect, it } from 'vitest';
import type { MetaMessage } from '../../../src/upstream/cometd/adapter.js';
import { describeFailure, isRefusedHandshake, isUnauthorisedHttp } from '../../../src/upstream/cometd/failures.js';

const handshake = (extra: Partial<MetaMessage>): MetaMessage => ({ channel: '/meta/handshake', successful: false, ...extra });

describe('failure reading', () => {
  it('treats HTTP 401/403 and Bayeux 401::/403:: on a handshake as a refused session', () => {
    expect(isRefusedHandshake(handshake({ failure: { httpCode: 401 } }))).toBe(true);
    expect(isRefusedHandshake(handshake({ failure: { httpCode: 403 } }))).toBe(true);
    expect(isRefusedHandshake(handshake({ error: '401::Authentication required' }))).toBe(true);
    expect(isRefusedHandshake(handshake({ error: '403::Handshake denied' }))).toBe(true);
  });

  it('does not treat transport errors, other codes or other channels as refusals', () => {
    expect(isRefusedHandshake(handshake({ failure: { httpCode: 0, reason: 'ECONNREFUSED' } }))).toBe(false);
    expect(isRefusedHandshake(handshake({ failure: { httpCode: 500 } }))).toBe(false);
    expect(isRefusedHandshake(handshake({ error: '301::long-polling:Connection types not supported' }))).toBe(false);
    expect(isRefusedHandshake(handshake({ successful: true, error: '401::x' }))).toBe(false);
    // faye answers a connect of a client it lost with 401::Unknown client: a re-handshake, not an auth failure.
    expect(isRefusedHandshake({ channel: '/meta/connect', successful: false, error: '401::Unknown client' })).toBe(false);
    expect(isUnauthorisedHttp({ channel: '/meta/connect', successful: false, error: '401::Unknown client' })).toBe(false);
    expect(isUnauthorisedHttp({ channel: '/meta/connect', successful: false, failure: { httpCode: 401 } })).toBe(true);
  });

  it('describes a failure in one line', () => {
    expect(describeFailure(handshake({ error: '403::Handshake denied' }))).toBe('Bayeux error 403::Handshake denied');
    expect(describeFailure({ channel: '/meta/connect', error: '401:2x8k3jd91:Unknown client' })).toBe('Bayeux error 401::Unknown client');
    expect(describeFailure(handshake({ failure: { httpCode: 401, reason: 'Unauthorized' } }))).toBe('HTTP 401');
    expect(describeFailure(handshake({ failure: { httpCode: 0, exception: new Error('connect ECONNREFUSED') } }))).toBe('connect ECONNREFUSED');
    expect(describeFailure(handshake({ failure: { reason: 'abort' } }))).toBe('abort');
  });
});
