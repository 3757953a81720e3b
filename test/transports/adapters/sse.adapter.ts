/**
 * Server-sent events (graphql-sse protocol, distinct connections) with
 * graphql-sse's own client, one event stream per request. A refusal comes in
 * the stream as a result with errors (status 200, as graphql-sse's own
 * handler answers a validation error: its client would retry a non-200 answer
 * as a network error), so statuses are not the contract's; what the JSON body
 * parser refuses before the stream (413) comes as a non-200 answer.
 */
import { createClient, NetworkError } from 'graphql-sse';
import type { ContractAnswer, TransportAdapter } from '../transport-adapter.js';
import { jsonAnswer, padded } from '../transport-adapter.js';

const sse: TransportAdapter = {
  name: 'SSE',
  serves: ['query', 'mutation', 'subscription'],
  statuses: false,
  oversized: 'status',
  documentId: true,
  async send(target, { authorization, padToBytes, ...request }) {
    const client = createClient({ url: target.url, singleConnection: false, retryAttempts: 0, headers: authorization ? { authorization } : {} });
    try {
      // The client sends the request object as the JSON body: `documentId` goes with it.
      const body = padded(request, padToBytes) as { query: string };
      return await new Promise<ContractAnswer>((resolve) => {
        const unsubscribe = client.subscribe<unknown, unknown>(body, {
          next: (result) => {
            unsubscribe();
            resolve({ status: 200, errors: (result.errors ?? []) as unknown as ContractAnswer['errors'], ...(result.data !== undefined ? { data: result.data } : {}) });
          },
          error: (error) => {
            const response = error instanceof NetworkError && error.response instanceof Response ? error.response : undefined;
            if (!response) return resolve({ errors: [{ message: String(error) }] });
            void response.text().then((text: string) => resolve(jsonAnswer(response.status, text)));
          },
          complete: () => resolve({ status: 200, errors: [] }),
        });
      });
    } finally {
      client.dispose();
    }
  },
};

export default sse;
