/** `npm run cluster` (scripts/cluster.ts --check): Redis, the simulator and two instances start, and the demo's event crosses instances. */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../process/gateway-process.js';

describe('npm run cluster', () => {
  it('starts two instances on one Redis and shows a mutation through B reaching a subscription on A', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/cluster.ts', '--check'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', CLUSTER_PORT_A: '0', CLUSTER_PORT_B: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(code, out).toBe(0);
    expect(out).toMatch(/gateway A +http:\/\/127\.0\.0\.1:\d+\/graphql/);
    expect(out).toMatch(/gateway B +http:\/\/127\.0\.0\.1:\d+\/graphql/);
    expect(out).toMatch(/3\. A's subscription received .*RECORD_CANCEL_ACKNOWLEDGE/);
  }, 90_000);
});
