/**
 * Coalesces the WebSocket frames one socket sends in the same tick into one
 * write. An event reaches every subscription of a connection in the same
 * tick, and ws writes each frame on its own: one syscall per subscription per
 * event (a quarter of the gateway's CPU at 10,000 subscriptions, see
 * bench/RESULTS.md). Corking the TCP socket at the first send of a tick and
 * uncorking it on the next tick sends them together; ws's own cork/uncork
 * pairs nest inside ours.
 */
import type { Socket } from 'node:net';
import type { WebSocket, WebSocketServer } from 'ws';

export function coalesceWrites(wsServer: WebSocketServer): void {
  wsServer.on('connection', (ws: WebSocket) => {
    // ws keeps the TCP socket in `_socket`, its long-standing internal field; no public accessor exists.
    const tcp = (ws as unknown as { _socket?: Socket })._socket;
    if (!tcp) return;
    const send = ws.send.bind(ws);
    let corked = false;
    const uncork = (): void => {
      corked = false;
      tcp.uncork();
    };
    ws.send = ((...args: Parameters<WebSocket['send']>) => {
      if (!corked && tcp.writable) {
        corked = true;
        tcp.cork();
        process.nextTick(uncork);
      }
      send(...args);
    }) as WebSocket['send'];
  });
}
