/** The HTTP and WebSocket URLs of the endpoint, as seen from the page's location. No DOM here (unit-tested in Node). */
export function endpointUrls(endpoint: string, location: { href: string }): {
  url: string;
  subscriptionUrl: string;
} {
  const http = new URL(endpoint, location.href);
  const ws = new URL(http.href);
  ws.protocol = http.protocol === 'https:' ? 'wss:' : 'ws:';
  return { url: http.href, subscriptionUrl: ws.href };
}
