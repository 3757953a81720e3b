/**
 * Per-user Bayeux channels. GWS delivers /v2/me/... and /me/... to the user
 * whose session did the handshake; faye has one global channel space, so the
 * simulator moves each user's subscriptions under /sim-user/<hex(username)>
 * on the way in and back to the GWS name on the way out.
 */

/** Root of the per-user namespace; clients may not subscribe there directly. */
export const USER_CHANNEL_ROOT = '/sim-user';

// Hex keeps any username a valid faye channel segment.
const segmentOf = (username: string): string => Buffer.from(username, 'utf8').toString('hex');

/** Whether a channel belongs to the per-user GWS space (/v2/** or /me/**). */
export function isUserScoped(channel: string): boolean {
  return channel.startsWith('/v2/') || channel.startsWith('/me/');
}

/** The internal channel for a user's GWS channel, or undefined if the channel is not per-user. */
export function toUserChannel(username: string, channel: string): string | undefined {
  return isUserScoped(channel) ? `${USER_CHANNEL_ROOT}/${segmentOf(username)}${channel}` : undefined;
}

/** The GWS channel an internal per-user channel stands for, or undefined if it is not one. */
export function fromUserChannel(channel: string): string | undefined {
  const match = /^\/sim-user\/[0-9a-f]+(\/.+)$/.exec(channel);
  return match?.[1];
}
