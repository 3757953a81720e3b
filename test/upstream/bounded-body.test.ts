/**
 * readBoundedBody, the reply reader of the CometD transport (node:http): the
 * body as text, decoded if the server compressed it, and the size bound
 * (UPSTREAM_MAX_RESPONSE_BYTES) applied to what was declared, what arrived and
 * what it decodes to, stopping the read early. Against a real HTTP server.
 */
import { createServer, get, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync, brotliCompressSync, deflateSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { readBoundedBody, RESPONSE_TOO_LARGE, type BoundedBody } from '../../src/upstream/bounded-response.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** Serves `handler`, requests it once and reads the body with the bound. */
async function read(handler: (res: ServerResponse) => void, maxBytes: number): Promise<{ result: BoundedBody; response: IncomingMessage }> {
  server = createServer((_req, res) => handler(res));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, agent: false }, (response) => {
      readBoundedBody(response, maxBytes, (result) => resolve({ result, response }));
    }).on('error', reject);
  });
}

const JSON_REPLY = JSON.stringify([{ channel: '/meta/connect', successful: true, data: 'é'.repeat(100) }]);

describe('readBoundedBody', () => {
  it('reads a body of several chunks as UTF-8 text', async () => {
    const { result } = await read((res) => {
      const bytes = Buffer.from(JSON_REPLY);
      res.write(bytes.subarray(0, 41)); // splits a two-byte character
      setTimeout(() => res.end(bytes.subarray(41)), 10);
    }, 1_024);
    expect(result).toEqual({ ok: true, body: JSON_REPLY });
  });

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ] as const)('decodes a %s reply the server compressed although nothing asked it to', async (encoding, compress) => {
    const { result } = await read((res) => {
      res.setHeader('content-encoding', encoding);
      res.end(compress(Buffer.from(JSON_REPLY)));
    }, 1_024);
    expect(result).toEqual({ ok: true, body: JSON_REPLY });
  });

  it('refuses a declared Content-Length over the bound before reading the body', async () => {
    let written = 0;
    const { result, response } = await read((res) => {
      res.setHeader('content-length', String(10 * 1024 * 1024));
      const write = (): void => {
        if (written >= 10 * 1024 * 1024 || res.destroyed) return;
        written += 64 * 1024;
        if (res.write(Buffer.alloc(64 * 1024, 'x'))) setImmediate(write);
        else res.once('drain', write);
      };
      write();
    }, 1_024);
    expect(result).toMatchObject({ ok: false, tooLarge: true, error: { code: RESPONSE_TOO_LARGE } });
    expect(response.destroyed).toBe(true);
  });

  it('cuts off a chunked body as soon as more than the bound arrived', async () => {
    let stop = false;
    const { result, response } = await read((res) => {
      const write = (): void => {
        if (stop || res.destroyed) return;
        res.write(Buffer.alloc(512, 'x'));
        setTimeout(write, 2);
      };
      write();
    }, 4_096);
    stop = true;
    expect(result).toMatchObject({ ok: false, tooLarge: true });
    expect(response.destroyed).toBe(true);
  });

  it('applies the bound to the decoded size: a small compressed reply that inflates past it is too large', async () => {
    const bomb = gzipSync(Buffer.alloc(1024 * 1024, 'x'));
    expect(bomb.length).toBeLessThan(4_096);
    const { result } = await read((res) => {
      res.setHeader('content-encoding', 'gzip');
      res.end(bomb);
    }, 64 * 1024);
    expect(result).toMatchObject({ ok: false, tooLarge: true });
  });

  it('fails (not too large) when the connection drops mid-body', async () => {
    const { result } = await read((res) => {
      res.setHeader('content-length', '100');
      res.write('[{"channel":');
      setTimeout(() => res.socket?.destroy(), 10);
    }, 1_024);
    expect(result).toMatchObject({ ok: false, tooLarge: false });
  });

  it('fails on a compressed body that is not what it says', async () => {
    const { result } = await read((res) => {
      res.setHeader('content-encoding', 'gzip');
      res.end('not gzip at all');
    }, 1_024);
    expect(result).toMatchObject({ ok: false, tooLarge: false });
  });
});
