import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(4000);
    expect(c.host).toBe('0.0.0.0');
    expect(c.gwsBaseUrl).toBeUndefined();
    expect(c.playground).toBe(true);
    expect(c.introspection).toBe(true);
    expect(c.events.ackTimeoutMs).toBe(10_000);
  });

  it('turns playground and introspection off in production unless enabled', () => {
    const production = { NODE_ENV: 'production', GWS_BASE_URL: 'https://gws.example.com' };
    expect(loadConfig(production)).toMatchObject({ playground: false, introspection: false });
    expect(loadConfig({ ...production, PLAYGROUND: 'true' }).playground).toBe(true);
  });

  it('in production, an unset GWS_BASE_URL is an error naming it unless GWS_SIMULATOR=true', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/GWS_BASE_URL/);
    expect(() => loadConfig({ NODE_ENV: 'production', GWS_SIMULATOR: 'false' })).toThrow(/GWS_BASE_URL/);
    expect(loadConfig({ NODE_ENV: 'production', GWS_SIMULATOR: 'true' }).gwsBaseUrl).toBeUndefined();
    expect(loadConfig({ NODE_ENV: 'production', GWS_BASE_URL: 'https://gws.example.com' }).gwsBaseUrl).toBe('https://gws.example.com');
    // Outside production the simulator stays the default; GWS_SIMULATOR=false asks for a real GWS there too.
    expect(loadConfig({}).gwsBaseUrl).toBeUndefined();
    expect(() => loadConfig({ GWS_SIMULATOR: 'false' })).toThrow(/GWS_BASE_URL/);
    expect(() => loadConfig({ GWS_SIMULATOR: 'true', GWS_BASE_URL: 'https://gws.example.com' })).toThrow(/GWS_SIMULATOR/);
  });

  it('HTTP server limits: defaults, and a headers timeout longer than the request timeout is refused', () => {
    expect(loadConfig({}).http).toEqual({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000, maxConnections: 10_000 });
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '40000' })).toThrow(/HTTP_HEADERS_TIMEOUT_MS/);
    expect(() => loadConfig({ HTTP_MAX_CONNECTIONS: '0' })).toThrow(/HTTP_MAX_CONNECTIONS/);
  });

  it('names the variable of a wrong value', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ GWS_BASE_URL: 'ftp://x' })).toThrow(/GWS_BASE_URL/);
    expect(() => loadConfig({ ACK_TIMEOUT_MS: '-5' })).toThrow(/ACK_TIMEOUT_MS/);
  });

  it('strips a trailing slash of GWS_BASE_URL and treats empty values as unset', () => {
    expect(loadConfig({ GWS_BASE_URL: 'https://gws.example.com/' }).gwsBaseUrl).toBe('https://gws.example.com');
    expect(loadConfig({ GWS_BASE_URL: '' }).gwsBaseUrl).toBeUndefined();
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example, https://b.example' }).corsOrigins).toEqual(['https://a.example', 'https://b.example']);
  });

  it('keeps everything in process without REDIS_URL, and needs a shared hash key with it', () => {
    expect(loadConfig({}).cluster).toBeUndefined();
    expect(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(/CREDENTIAL_HASH_KEY/);
    expect(() => loadConfig({ REDIS_URL: 'http://x' })).toThrow(/REDIS_URL/);
    expect(() => loadConfig({ REDIS_URL: 'redis://x', CREDENTIAL_HASH_KEY: 'short' })).toThrow(/CREDENTIAL_HASH_KEY/);
    expect(() => loadConfig({ COMETD_LEASE_TTL_MS: '20000' })).toThrow(/COMETD_LEASE_TTL_MS/);
    const key = 'k'.repeat(32);
    expect(loadConfig({ REDIS_URL: 'rediss://:secret@redis.example:6380/2', CREDENTIAL_HASH_KEY: key }).cluster).toEqual({
      redisUrl: 'rediss://:secret@redis.example:6380/2',
      credentialHashKey: key,
      keyPrefix: 'ogw:',
      connectTimeoutMs: 2_000,
      commandTimeoutMs: 1_000,
      leaseTtlMs: 10_000,
    });
  });
});
