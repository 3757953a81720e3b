/** The generated resolver types must match schema.graphql: run `npm run codegen` when this fails. */
import { readFileSync } from 'node:fs';
import { generate, loadCodegenConfig } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';

describe('codegen', () => {
  it('the committed generated files are up to date with schema.graphql', async () => {
    const { config } = await loadCodegenConfig({ configFilePath: 'codegen.yml' });
    const outputs = (await generate({ ...config, silent: true }, false)) as { filename: string; content: string }[];
    expect(outputs.length).toBeGreaterThan(0);
    for (const output of outputs) {
      expect(readFileSync(output.filename, 'utf8'), `${output.filename} is stale: run npm run codegen`).toBe(output.content);
    }
  });
});
