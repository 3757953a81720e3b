/** The read-only REST resources: GET /api/v2/me and GET /api/v2/me/devices. */
import { createHash } from 'node:crypto';
import type { DemoUser } from './demo-users.js';

/** A stable UUID-shaped id derived from a string, so ids survive restarts. */
export function stableId(seed: string): string {
  const h = createHash('sha1').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

const VOICE_ENVIRONMENT_ID = stableId('voice-environment');
const READY_STATE_ID = stableId('user-state-ready');

/** Body of GET /api/v2/me. */
export function meBody(user: DemoUser, origin: string): Record<string, unknown> {
  const id = stableId(`user:${user.username}`);
  return {
    statusCode: 0,
    user: {
      id,
      userName: user.username,
      firstName: user.firstName,
      lastName: user.lastName,
      roles: ['ROLE_AGENT'],
      enabled: true,
      changePasswordOnFirstLogin: false,
      path: `/users/${id}`,
      uri: `${origin}/api/v2/users/${id}`,
    },
  };
}

/**
 * Body of GET /api/v2/me/devices. `firstExtension` numbers the user's
 * devices so that extensions differ between users.
 */
export function devicesBody(user: DemoUser, origin: string, firstExtension: number): Record<string, unknown> {
  return {
    statusCode: 0,
    devices: user.deviceIds.map((id, i) => {
      const extension = String(firstExtension + i);
      return {
        id,
        deviceState: 'Active',
        userState: { id: READY_STATE_ID, displayName: 'Ready', state: 'Ready' },
        phoneNumber: extension,
        e164Number: `+1555000${extension.padStart(4, '0')}`,
        telephonyNetwork: 'Private',
        doNotDisturb: 'Off',
        voiceEnvironmentUri: `${origin}/api/v2/voice-environments/${VOICE_ENVIRONMENT_ID}`,
        capabilities: [],
      };
    }),
  };
}
