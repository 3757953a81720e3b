/**
 * Multipart HTTP subscriptions (Apollo's protocol): the request Apollo
 * Client's HttpLink sends (POST, its Accept), read with meros. fetch rather
 * than Apollo Client itself: Apollo Client parses and rewrites the document
 * (adds `__typename`) and cannot send a bare hash or `documentId`, which the
 * cases need; Apollo Client itself is run in test/integration/multipart.test.ts.
 * A refusal comes in the stream (status 200), as for SSE; the first
 * `{"payload": ...}` part (or the fatal `{"payload": null, "errors"}`) is the answer.
 */
import { meros } from 'meros/browser';
import type { ContractAnswer, TransportAdapter } from '../transport-adapter.js';
import { jsonAnswer, padded } from '../transport-adapter.js';

const ACCEPT = 'multipart/mixed;boundary="graphql";subscriptionSpec="1.0",application/json';

const multipart: TransportAdapter = {
  name: 'multipart',
  serves: ['query', 'mutation', 'subscription'],
  statuses: false,
  oversized: 'status',
  documentId: true,
  async send(target, { authorization, padToBytes, ...request }) {
    const controller = new AbortController();
    try {
      const response = await fetch(target.url, {
        method: 'POST',
        signal: controller.signal,
        headers: { 'content-type': 'application/json', accept: ACCEPT, ...(authorization ? { authorization } : {}) },
        body: JSON.stringify(padded(request, padToBytes)),
      });
      const parts = await meros<{ payload?: Partial<ContractAnswer> | null; errors?: ContractAnswer['errors'] }>(response);
      if (parts instanceof Response) {
        return jsonAnswer(response.status, await parts.text());
      }
      for await (const part of parts) {
        const json = part.body as { payload?: Partial<ContractAnswer> | null; errors?: ContractAnswer['errors'] };
        if (json.payload === null) return { status: response.status, errors: json.errors ?? [] };
        if (json.payload) return { status: response.status, errors: json.payload.errors ?? [], ...(json.payload.data !== undefined ? { data: json.payload.data } : {}) };
        // `{}`: a heartbeat
      }
      return { status: response.status, errors: [] };
    } finally {
      controller.abort();
    }
  },
};

export default multipart;
