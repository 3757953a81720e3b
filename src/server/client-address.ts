/**
 * Which address a request comes from, for per-client limits: the socket's
 * peer, or, when that peer is one of TRUSTED_PROXIES, the nearest address in
 * X-Forwarded-For that is not a trusted proxy (read right to left: each proxy
 * appends the address it saw, so only the part our own proxies wrote can be
 * believed; what is left of it, the client wrote).
 */
import { BlockList, isIP } from 'node:net';

/** What the transports know of the client: the socket peer and the raw X-Forwarded-For header. */
export interface ClientPeer {
  remoteAddress: string;
  forwardedFor: string | undefined;
}

/** Whether a TRUSTED_PROXIES entry is an IP address or a CIDR block (e.g. 10.0.0.0/8, fd00::/8). */
export function isProxyEntry(entry: string): boolean {
  return parseEntry(entry) !== undefined;
}

function parseEntry(entry: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const [address = '', prefixText, ...rest] = entry.trim().split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return undefined;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const bits = version === 4 ? 32 : 128;
  if (prefixText === undefined) return { address, prefix: bits, family };
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  return prefix <= bits ? { address, prefix, family } : undefined;
}

/** An IPv4 address written as IPv6 (::ffff:10.0.0.1) is that IPv4 address. */
function normalise(address: string): string {
  const trimmed = address.trim();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(trimmed);
  return mapped ? mapped[1]! : trimmed;
}

/** The proxies whose X-Forwarded-For is believed. */
export class TrustedProxies {
  readonly #list = new BlockList();
  readonly size: number;

  /** @throws RangeError on an entry that is neither an IP address nor a CIDR block. */
  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const parsed = parseEntry(entry);
      if (!parsed) throw new RangeError(`not an IP address or CIDR block: ${entry}`);
      this.#list.addSubnet(parsed.address, parsed.prefix, parsed.family);
    }
    this.size = entries.length;
  }

  has(address: string): boolean {
    const normalised = normalise(address);
    const version = isIP(normalised);
    if (version === 0) return false;
    return this.#list.check(normalised, version === 4 ? 'ipv4' : 'ipv6');
  }
}

/** The address per-client limits count against. */
export function clientAddress(peer: ClientPeer, trusted: TrustedProxies): string {
  const remote = normalise(peer.remoteAddress);
  if (trusted.size === 0 || !peer.forwardedFor || !trusted.has(remote)) return remote || 'unknown';
  const hops = peer.forwardedFor.split(',').map(normalise).filter((hop) => hop.length > 0);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (!trusted.has(hop)) return hop;
  }
  // Every hop is one of our proxies: the leftmost is the nearest thing to a client.
  return hops[0] ?? remote;
}

/** The X-Forwarded-For header as one string (Node gives several headers joined, or an array). */
export function forwardedForHeader(value: string | string[] | undefined): string | undefined {
  const joined = Array.isArray(value) ? value.join(',') : value;
  return joined ? joined : undefined;
}
