/** HTTP POST with fetch, as any GraphQL-over-HTTP client sends it. */
import type { TransportAdapter } from '../transport-adapter.js';
import { jsonAnswer, padded } from '../transport-adapter.js';

const http: TransportAdapter = {
  name: 'HTTP POST',
  serves: ['query', 'mutation'],
  statuses: true,
  oversized: 'status',
  documentId: true,
  async send(target, { authorization, padToBytes, ...request }) {
    const response = await fetch(target.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify(padded(request, padToBytes)),
    });
    return jsonAnswer(response.status, await response.text());
  },
};

export default http;
