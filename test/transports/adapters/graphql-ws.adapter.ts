/** graphql-ws (graphql-transport-ws) with the real graphql-ws client, one connection per request. */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { ContractAnswer, TransportAdapter } from '../transport-adapter.js';
import { padded } from '../transport-adapter.js';

const graphqlWs: TransportAdapter = {
  name: 'graphql-ws',
  serves: ['query', 'mutation', 'subscription'],
  statuses: false,
  oversized: 'close',
  documentId: false,
  async send(target, { authorization, padToBytes, documentId: _notSent, ...request }) {
    const client = createClient({
      url: target.wsUrl,
      webSocketImpl: WebSocket,
      lazy: true,
      retryAttempts: 0,
      connectionParams: authorization ? { authorization } : {},
    });
    try {
      const payload = padded({ query: request.query ?? '', ...request }, padToBytes) as { query: string };
      return await new Promise<ContractAnswer>((resolve) => {
        const unsubscribe = client.subscribe<unknown, unknown>(payload, {
          next: (result) => {
            unsubscribe();
            resolve({ errors: (result.errors ?? []) as ContractAnswer['errors'], ...(result.data !== undefined ? { data: result.data } : {}) });
          },
          error: (error) => {
            if (Array.isArray(error)) resolve({ errors: error as ContractAnswer['errors'] });
            else if (typeof (error as { code?: unknown }).code === 'number') resolve({ closeCode: (error as { code: number }).code, errors: [] });
            else resolve({ errors: [{ message: String(error) }] });
          },
          complete: () => resolve({ errors: [] }),
        });
      });
    } finally {
      await client.dispose();
    }
  },
};

export default graphqlWs;
