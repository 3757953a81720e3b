/** HTTP POST with fetch, as any GraphQL-over-HTTP client sends it. */
import type { ContractAnswer, TransportAdapter } from '../transport-adapter.js';
import { padded } from '../transport-adapter.js';

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
    const text = await response.text();
    let body: Partial<ContractAnswer>;
    try {
      body = JSON.parse(text) as Partial<ContractAnswer>;
    } catch {
      body = { errors: [{ message: `not JSON: ${text.slice(0, 200)}` }] };
    }
    return { status: response.status, errors: body.errors ?? [], ...(body.data !== undefined ? { data: body.data } : {}) };
  },
};

export default http;
