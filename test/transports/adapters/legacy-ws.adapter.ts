/**
 * The legacy WebSocket subprotocol `graphql-ws` (subscriptions-transport-ws's
 * messages), one socket per request, spoken by a raw socket: the package's
 * own client refuses to send an empty `query`, which the persisted-query
 * cases need (its client runs in test/integration/legacy-ws.test.ts).
 */
import WebSocket from 'ws';
import type { ContractAnswer, TransportAdapter } from '../transport-adapter.js';
import { padded } from '../transport-adapter.js';

const legacyWs: TransportAdapter = {
  name: 'legacy graphql-ws',
  serves: ['query', 'mutation', 'subscription'],
  statuses: false,
  oversized: 'close',
  documentId: false,
  async send(target, { authorization, padToBytes, documentId: _notSent, ...request }) {
    const socket = new WebSocket(target.wsUrl, ['graphql-ws']);
    try {
      return await new Promise<ContractAnswer>((resolve) => {
        socket.on('error', (error) => resolve({ errors: [{ message: String(error) }] }));
        socket.on('close', (code) => resolve({ closeCode: code, errors: [] }));
        socket.on('open', () => {
          socket.send(JSON.stringify({ type: 'connection_init', payload: authorization ? { authorization } : {} }));
          // As subscriptions-transport-ws does: start right away, without waiting for connection_ack.
          socket.send(JSON.stringify({ id: '1', type: 'start', payload: padded({ query: request.query ?? '', ...request }, padToBytes) }));
        });
        socket.on('message', (raw) => {
          const message = JSON.parse(String(raw)) as { type: string; id?: string; payload?: { data?: unknown; errors?: ContractAnswer['errors'] } | ContractAnswer['errors'] };
          if (message.id !== '1') return;
          if (message.type === 'data') {
            const result = message.payload as { data?: unknown; errors?: ContractAnswer['errors'] };
            resolve({ errors: result.errors ?? [], ...(result.data !== undefined ? { data: result.data } : {}) });
          } else if (message.type === 'error') {
            resolve({ errors: message.payload as ContractAnswer['errors'] });
          } else if (message.type === 'complete') {
            resolve({ errors: [] });
          }
        });
      });
    } finally {
      socket.removeAllListeners('close');
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'connection_terminate' }));
      socket.close();
    }
  },
};

export default legacyWs;
