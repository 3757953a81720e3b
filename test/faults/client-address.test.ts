import { describe, expect, it } from 'vitest';
import { clientAddress, isProxyEntry, TrustedProxies } from '../../src/server/client-address.js';
import { ConfigError, loadConfig } from '../../src/config/config.js';

describe('client address', () => {
  const proxies = new TrustedProxies(['10.0.0.0/8', '192.0.2.1', 'fd00::/8']);

  it('is the socket peer without trusted proxies, whatever X-Forwarded-For says', () => {
    expect(clientAddress({ remoteAddress: '198.51.100.9', forwardedFor: '1.2.3.4' }, new TrustedProxies([]))).toBe('198.51.100.9');
    expect(clientAddress({ remoteAddress: '198.51.100.9', forwardedFor: '1.2.3.4' }, proxies)).toBe('198.51.100.9');
    expect(clientAddress({ remoteAddress: '::ffff:198.51.100.9', forwardedFor: undefined }, proxies)).toBe('198.51.100.9');
  });

  it('behind trusted proxies: the nearest X-Forwarded-For hop that is not one of them', () => {
    expect(clientAddress({ remoteAddress: '10.1.2.3', forwardedFor: '203.0.113.5' }, proxies)).toBe('203.0.113.5');
    expect(clientAddress({ remoteAddress: '::ffff:10.1.2.3', forwardedFor: '6.6.6.6, 203.0.113.5, 192.0.2.1' }, proxies)).toBe('203.0.113.5');
    expect(clientAddress({ remoteAddress: 'fd12::1', forwardedFor: '2001:db8::7' }, proxies)).toBe('2001:db8::7');
    expect(clientAddress({ remoteAddress: '10.1.2.3', forwardedFor: '10.9.9.9' }, proxies)).toBe('10.9.9.9');
    expect(clientAddress({ remoteAddress: '10.1.2.3', forwardedFor: undefined }, proxies)).toBe('10.1.2.3');
  });

  it('TRUSTED_PROXIES takes IP addresses and CIDR blocks only', () => {
    expect(['10.0.0.0/8', '192.0.2.1', '::1', 'fd00::/8'].every(isProxyEntry)).toBe(true);
    expect(['10.0.0.0/33', 'proxy.local', '10.0.0.0/8/1', ''].some(isProxyEntry)).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test', TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1' }).clients.trustedProxies).toEqual(['10.0.0.0/8', '127.0.0.1']);
    expect(() => loadConfig({ NODE_ENV: 'test', TRUSTED_PROXIES: '10.0.0.0/8,proxy.local' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'test', TRUSTED_PROXIES: 'x' })).toThrow(/TRUSTED_PROXIES/);
    expect(loadConfig({ NODE_ENV: 'test' }).clients.authFailuresPerMinute).toBe(20);
  });
});
