/**
 * Trusted documents (TRUSTED_DOCUMENTS) hold on every added transport, with
 * its real client: a manifest document runs (by full text; by `documentId`
 * over HTTP streams), any other is refused with FORBIDDEN before anything
 * runs (no upstream session opens), an unknown id is PERSISTED_QUERY_NOT_FOUND.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT1, startStack, untilNoSubscribers, untilSubscribed, type Stack } from '../support/stack.js';
import { apolloMultipartClient, errorCodesOf, legacyWsClient, rawStream, sseClient, type ClientFactory } from './sse-multipart-legacy-clients.js';

const MANIFEST_PATH = fileURLToPath(new URL('../../client/generated/persisted-documents.json', import.meta.url));
const manifest = JSON.parse(readFileSync(MANIFEST_PATH, 'utf8')) as Record<string, string>;
const [subscriptionId, subscriptionText] = Object.entries(manifest).find(([, text]) => text.startsWith('subscription OutboundRecordEvents'))!;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ env: { TRUSTED_DOCUMENTS: MANIFEST_PATH } });
});
afterAll(() => stack.stop());

describe.each([
  ['SSE', sseClient],
  ['multipart', apolloMultipartClient],
  ['legacy graphql-ws', legacyWsClient],
] as [string, ClientFactory][])('trusted documents over %s', (_name, factory) => {
  it('the manifest subscription runs; another document is FORBIDDEN before anything opens upstream', async () => {
    const client = factory(stack, AGENT1);
    const before = stack.gateway.services.sessions.values().length;
    const other = client.subscribe('subscription NotTrusted { outboundRecordEvents { referenceId } }');
    expect(await errorCodesOf(other)).toContain('FORBIDDEN');
    expect(stack.gateway.services.sessions.values().length).toBe(before);

    const trusted = client.subscribe<{ outboundRecordEvents: { referenceId: string } }>(subscriptionText!, { filter: { referenceId: 'trusted-1' } });
    await untilSubscribed(stack, AGENT1);
    stack.simulator.publish('agent1', '/v2/me/outbound', { notificationType: 'RecordRejectAcknowledge', messageType: 'OutboundRecordMessage', referenceId: 'trusted-1', record: { recordHandle: 1 } });
    const [result] = await trusted.waitFor(1);
    expect(result!.data?.outboundRecordEvents.referenceId).toBe('trusted-1');
    trusted.unsubscribe();
    await untilNoSubscribers(stack);
    await client.dispose();
  });
});

describe.each([
  ['SSE', 'text/event-stream'],
  ['multipart', 'multipart/mixed;subscriptionSpec="1.0",application/json'],
])('trusted documents by documentId over %s', (_name, accept) => {
  it('a manifest id runs; an unknown id is PERSISTED_QUERY_NOT_FOUND', async () => {
    const stream = await rawStream(stack.gateway.url, { accept, body: { documentId: subscriptionId, variables: { filter: { referenceId: 'by-id-1' } } }, authorization: AGENT1 });
    await untilSubscribed(stack, AGENT1);
    stack.simulator.publish('agent1', '/v2/me/outbound', { notificationType: 'RecordRejectAcknowledge', messageType: 'OutboundRecordMessage', referenceId: 'by-id-1', record: { recordHandle: 1 } });
    await stream.until((t) => t.includes('"referenceId":"by-id-1"'));
    stream.abort();
    await untilNoSubscribers(stack);

    const unknown = await rawStream(stack.gateway.url, { accept, body: { documentId: 'sha256:' + '0'.repeat(64) }, authorization: AGENT1 });
    expect(await unknown.ended).toContain('PERSISTED_QUERY_NOT_FOUND');
  });
});
