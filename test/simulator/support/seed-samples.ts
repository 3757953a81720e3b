/**
 * The five seed samples (shared/seeds/*.txt), read from the pages themselves:
 * request path and body, and the CometD data GWS sends back, with the metrics
 * block left out (it is measured, not fixed).
 */
import { RECORD_OPERATIONS } from '../../../src/operations/record-operations.js';
import { readSeed } from '../../support/seeds.js';

export interface SeedSample {
  readonly operationName: string;
  readonly path: string;
  readonly body: Record<string, unknown>;
  readonly ack: Record<string, unknown>;
  readonly userData: Record<string, unknown>;
  readonly deviceId: string;
}

export const SEED_SAMPLES: readonly SeedSample[] = RECORD_OPERATIONS.map((op) => {
  const seed = readSeed(op.seed);
  const ack = seed.cometd.find((m) => m.channel === '/v2/me/outbound')!.data!;
  const internal = seed.cometd.find((m) => m.channel === '/me/internal')!.data!;
  return {
    operationName: op.operationName,
    path: seed.path,
    body: seed.request,
    ack,
    userData: internal['userData'] as Record<string, unknown>,
    deviceId: internal['deviceId'] as string,
  };
});

export function seedSample(operationName: string): SeedSample {
  const sample = SEED_SAMPLES.find((s) => s.operationName === operationName);
  if (!sample) throw new Error(`no seed sample for ${operationName}`);
  return sample;
}
