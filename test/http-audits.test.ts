/**
 * graphql-http's server audits (the GraphQL over HTTP spec) against
 * `POST /graphql` of the real gateway: every MUST passes. SHOULD and MAY
 * results are reported, not required.
 */
import { serverAudits, type AuditResult } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.stop());

describe('graphql-http server audits', () => {
  // The audits run against a URL known only once the stack is up: list them against a placeholder, run against the real one.
  const audits = serverAudits({ url: 'http://placeholder/graphql' });
  it.each(audits.filter((a) => a.name.startsWith('MUST')).map((a) => [a.id, a.name] as const))('%s %s', async (id) => {
    const audit = serverAudits({ url: stack.gateway.url }).find((a) => a.id === id)!;
    const result: AuditResult = await audit.fn();
    expect(result.status === 'ok' ? 'ok' : `${result.status}: ${'reason' in result ? result.reason : ''}`).toBe('ok');
  });
});
