import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, ENVIRONMENT } from '../sdk/src/defaults.ts';

/** `- \`key\`: \`value\`` lines between the README's defaults markers. */
async function documentedDefaults(): Promise<Map<string, string>> {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  const section = /<!-- defaults:start -->([\s\S]*?)<!-- defaults:end -->/.exec(readme)?.[1] ?? '';
  return new Map([...section.matchAll(/^\s*- `(\w+)`: `([^`]+)`/gm)].map((m) => [m[1]!, m[2]!]));
}

function shown(value: string | number | readonly string[]): string {
  return Array.isArray(value) ? `~/${value.join('/')}` : String(value);
}

describe("the README's defaults", () => {
  it('lists every default in sdk/src/defaults.ts with its value, and nothing else', async () => {
    const documented = await documentedDefaults();
    const actual = new Map(Object.entries(DEFAULTS).map(([key, value]) => [key, shown(value)]));
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(actual));
  });

  it('names the environment variables the Node build reads', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    for (const name of Object.values(ENVIRONMENT)) expect(readme).toContain(`\`${name}\` is set`);
  });
});
