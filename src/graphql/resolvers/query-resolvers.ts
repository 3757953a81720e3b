/** Query: the user's devices (where devicePath comes from) and the state of their live events. */
import { authorize, type GatewayContext } from '../context.js';
import type { QueryResolvers } from '../generated/resolvers-types.js';
import type { GwsEnvelope } from '../../upstream/gws-http-client.js';

interface GwsDevice {
  id?: unknown;
  deviceState?: unknown;
  phoneNumber?: unknown;
  userState?: unknown;
}

// One GET per request however many aliased `devices` fields the document has
// (each call would otherwise add its own abort listener to the request's signal).
const devicesOfRequest = new WeakMap<GatewayContext, Promise<GwsEnvelope>>();

function fetchDevices(context: GatewayContext): Promise<GwsEnvelope> {
  let pending = devicesOfRequest.get(context);
  if (!pending) {
    pending = authorize(context).then((user) => context.services.gws.get(user.gws, '/api/v2/me/devices', context.signal));
    devicesOfRequest.set(context, pending);
  }
  return pending;
}

export const queryResolvers: QueryResolvers = {
  devices: async (_parent, _args, context) => {
    const envelope = await fetchDevices(context);
    const devices = Array.isArray(envelope['devices']) ? (envelope['devices'] as GwsDevice[]) : [];
    return devices
      .filter((d): d is GwsDevice & { id: string } => typeof d.id === 'string')
      .map((d) => ({
        id: d.id,
        devicePath: `/devices/${d.id}`,
        deviceState: typeof d.deviceState === 'string' ? d.deviceState : null,
        phoneNumber: typeof d.phoneNumber === 'string' ? d.phoneNumber : null,
        userState: d.userState ?? null,
      }));
  },
  // Verified like any other field: an unknown credential gets no session, only UNAUTHENTICATED.
  eventStream: async (_parent, _args, context) => (await authorize(context)).eventStreamStatus(),
};
