/** Reads and parses REST request bodies with GWS-like limits and errors. */
import type { IncomingMessage } from 'node:http';
import { GWS_STATUS, GwsError } from './gws-errors.js';

/** Largest body the REST API accepts. */
export const MAX_BODY_BYTES = 64 * 1024;
// Past this the client is not worth listening to: cut the connection.
const DISCARD_LIMIT = 16 * 1024 * 1024;

/**
 * The whole body as text. Beyond the limit the rest is read and discarded
 * (so the client sees the 413 rather than a reset), then GwsError 413.
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > DISCARD_LIMIT) req.destroy();
      else if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > limit) reject(new GwsError(GWS_STATUS.VALIDATION_ERROR, 'Request body too large', 413));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
    req.on('close', () => reject(new Error('request closed before its body was read')));
  });
}

/** Parses a JSON object body; anything else is GwsError 10 (HTTP 400). */
export function parseJsonObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new GwsError(GWS_STATUS.VALIDATION_ERROR, 'Malformed JSON body');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GwsError(GWS_STATUS.VALIDATION_ERROR, 'The body must be a JSON object');
  }
  return value as Record<string, unknown>;
}
