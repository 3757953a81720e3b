/** Query: the user's devices (where devicePath comes from) and the state of their live events. */
import { authorize, requireAuthorization } from '../context.js';
import type { QueryResolvers } from '../generated/resolvers-types.js';

interface GwsDevice {
  id?: unknown;
  deviceState?: unknown;
  phoneNumber?: unknown;
  userState?: unknown;
}

export const queryResolvers: QueryResolvers = {
  devices: async (_parent, _args, context) => {
    const user = await authorize(context);
    const envelope = await context.services.gws.get(user.gws, '/api/v2/me/devices', context.signal);
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
  eventStream: (_parent, _args, context) => {
    const authorization = requireAuthorization(context);
    return context.services.sessions.get(authorization).eventStreamStatus();
  },
};
