/**
 * The real process (`node --import tsx src/main.ts`) and its production rules:
 * NODE_ENV=production without GWS_BASE_URL stops with exit code 78 naming the
 * variable (never the simulator's demo users by accident) unless
 * GWS_SIMULATOR=true; an unset NODE_ENV starts with a loud warning that it is
 * development mode.
 */
import { describe, expect, it } from 'vitest';
import { freePort, spawnGateway } from './gateway-process.js';

const START_TIMEOUT_MS = 30_000;

describe.concurrent('production configuration of the gateway process', () => {
  it('NODE_ENV=production without GWS_BASE_URL: exit 78 naming GWS_BASE_URL, no simulator, nothing listening', async ({ onTestFinished }) => {
    const gateway = spawnGateway({ NODE_ENV: 'production', PORT: String(await freePort()), HOST: '127.0.0.1', LOG_LEVEL: 'info' });
    onTestFinished(() => gateway.kill());
    const exit = await gateway.exited;
    expect(exit.code, gateway.stderr()).toBe(78);
    expect(gateway.stderr()).toMatch(/\bGWS_BASE_URL\b/);
    expect(gateway.lines.some((l) => /simulator|gateway listening/i.test(l))).toBe(false);
  });

  it('NODE_ENV=production with GWS_SIMULATOR=true: starts on the simulator, without the development warning', async ({ onTestFinished }) => {
    const gateway = spawnGateway({ NODE_ENV: 'production', GWS_SIMULATOR: 'true', PORT: String(await freePort()), HOST: '127.0.0.1', LOG_LEVEL: 'info' });
    onTestFinished(() => gateway.kill());
    await gateway.waitForLog((r) => r.msg === 'gateway listening', START_TIMEOUT_MS, 'gateway listening');
    expect(gateway.records().some((r) => typeof r.msg === 'string' && r.msg.includes('built-in GWS simulator'))).toBe(true);
    expect(gateway.records().some((r) => typeof r.msg === 'string' && r.msg.includes('NODE_ENV is not set'))).toBe(false);
    gateway.child.kill('SIGTERM');
    expect((await gateway.exited).code).toBe(0);
  });

  it('NODE_ENV unset: a warning at start says it is development mode (stack traces, introspection, playground)', async ({ onTestFinished }) => {
    const gateway = spawnGateway({ PORT: String(await freePort()), HOST: '127.0.0.1', LOG_LEVEL: 'info' });
    onTestFinished(() => gateway.kill());
    await gateway.waitForLog((r) => r.msg === 'gateway listening', START_TIMEOUT_MS, 'gateway listening');
    const warning = gateway.records().find((r) => typeof r.msg === 'string' && r.msg.includes('NODE_ENV is not set'));
    expect(warning, gateway.lines.join('\n')).toBeDefined();
    expect(warning!.level).toBe(40);
    expect(warning!.msg).toMatch(/DEVELOPMENT/);
    expect(warning).toMatchObject({ stackTraces: true, introspection: true, playground: true });
    gateway.child.kill('SIGTERM');
    expect((await gateway.exited).code).toBe(0);
  });

  it('a process warning is a JSON log line through the logger, not text on stderr', async ({ onTestFinished }) => {
    // A preload that emits a warning on SIGUSR2, once the gateway runs (stands for MaxListeners, deprecations...).
    const preload = "data:text/javascript,process.on('SIGUSR2',()=>process.emitWarning('probe-warning-text','ProbeWarning'))";
    const gateway = spawnGateway({ NODE_ENV: 'production', GWS_SIMULATOR: 'true', NODE_OPTIONS: `--import=${preload}`, PORT: String(await freePort()), HOST: '127.0.0.1', LOG_LEVEL: 'info' });
    onTestFinished(() => gateway.kill());
    await gateway.waitForLog((r) => r.msg === 'gateway listening', START_TIMEOUT_MS, 'gateway listening');
    gateway.child.kill('SIGUSR2');
    const line = await gateway.waitForLog((r) => r.msg === 'process warning', 10_000, 'process warning');
    expect(line).toMatchObject({ level: 40, warning: { name: 'ProbeWarning', message: 'probe-warning-text' } });
    gateway.child.kill('SIGTERM');
    expect((await gateway.exited).code).toBe(0);
    expect(gateway.stderr()).not.toContain('probe-warning-text');
  });
});
