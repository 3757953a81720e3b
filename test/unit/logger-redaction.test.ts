/**
 * Redaction at any depth: a real got error (its `options.headers` carry the
 * Authorization and Cookie headers of the failed request), nested reply
 * headers, raw header arrays and child bindings never reach a log line.
 */
import { createServer } from 'node:net';
import { got, type RequestError } from 'got';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';

const SECRET_AUTH = 'Basic c2VjcmV0LXVzZXI6c2VjcmV0LXBhc3M=';
const SECRET_COOKIE = 'JSESSIONID=0123456789ABCDEF0123456789ABCDEF';
const SECRET_CSRF = 'csrf-6f1c2d8e-secret';

function capture() {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'trace',
    stream: { write: (chunk: string) => void lines.push(...chunk.split('\n').filter((l) => l.trim())) },
  });
  return { lines, logger };
}

/** A port nothing listens on (was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('log redaction', () => {
  it('censors the headers inside a real got error (err.options.headers) at any depth', async () => {
    const port = await closedPort();
    const error = await got(`http://127.0.0.1:${port}/api/v2/me`, {
      headers: { authorization: SECRET_AUTH, cookie: SECRET_COOKIE, 'x-csrf-token': SECRET_CSRF },
      retry: { limit: 0 },
    }).then(
      () => undefined,
      (e: unknown) => e as RequestError,
    );
    expect(error).toBeDefined();
    // The secret really is in the error object: the test would see a leak.
    expect(JSON.stringify(error!.options)).toContain(SECRET_CSRF);

    const { lines, logger } = capture();
    logger.error({ err: error }, 'upstream failed');
    logger.error(error);
    logger.warn({ wrapped: { deeper: { err: error } } }, 'nested');
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(line).not.toContain('c2VjcmV0');
      expect(line).not.toContain(SECRET_COOKIE);
      expect(line).not.toContain(SECRET_CSRF);
    }
    const first = JSON.parse(lines[0]!) as { err: { message: string; stack: string; code: string } };
    expect(first.err.code).toBe('ECONNREFUSED');
    expect(first.err.stack).toContain('RequestError');
    expect(lines[0]).toContain('[redacted]');
  });

  it('censors nested and differently cased keys, raw header arrays and child bindings; keeps the rest', () => {
    const { lines, logger } = capture();
    logger
      .child({ connectionParams: { authorization: SECRET_AUTH } })
      .info(
        {
          reply: { statusCode: 401, headers: { 'Set-Cookie': [SECRET_COOKIE], 'X-CSRF-TOKEN': SECRET_CSRF, 'content-type': 'application/json' } },
          a: { b: { c: { d: { e: { password: 'hunter2-secret', user: 'agent1' } } } } },
          rawHeaders: ['Host', 'gws', 'Authorization', SECRET_AUTH],
        },
        'deep',
      );
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    for (const secret of ['c2VjcmV0', SECRET_COOKIE, SECRET_CSRF, 'hunter2-secret']) expect(line).not.toContain(secret);
    const record = JSON.parse(line) as Record<string, unknown>;
    expect(record).toMatchObject({
      reply: { statusCode: 401, headers: { 'Set-Cookie': '[redacted]', 'content-type': 'application/json' } },
      a: { b: { c: { d: { e: { password: '[redacted]', user: 'agent1' } } } } },
      rawHeaders: ['Host', 'gws', 'Authorization', '[redacted]'],
      connectionParams: { authorization: '[redacted]' },
    });
  });

  it('survives cycles', () => {
    const { lines, logger } = capture();
    const a: Record<string, unknown> = { name: 'a', authorization: SECRET_AUTH };
    a['self'] = a;
    logger.info({ a }, 'cycle');
    expect(JSON.parse(lines[0]!)).toMatchObject({ a: { name: 'a', authorization: '[redacted]', self: '[Circular]' } });
  });
});
