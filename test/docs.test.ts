/** The README documents every configuration variable (with its default) and every error code. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../src/errors.js';

const readme = readFileSync('README.md', 'utf8');
const configSource = readFileSync('src/config/config.ts', 'utf8');

describe('README', () => {
  const variables = [...configSource.matchAll(/^\s{2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!);

  it('finds the variables in the config schema', () => {
    expect(variables).toContain('GWS_BASE_URL');
    expect(variables.length).toBeGreaterThan(20);
  });

  it.each(variables)('documents %s in the configuration table', (name) => {
    expect(readme).toMatch(new RegExp(`^\\| \`${name}\` \\| [^|]+ \\| [^|]+ \\|$`, 'm'));
  });

  it.each(Object.values(ErrorCode))('documents the error code %s', (code) => {
    expect(readme).toMatch(new RegExp(`^\\| \`${code}\` \\|`, 'm'));
  });

  it('shows the quick start and the test command', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toMatch(/^npm test\b/m);
  });
});
