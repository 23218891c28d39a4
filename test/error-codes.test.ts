import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../sdk/src/errors.ts';

/*
 * One list of error codes: sdk/src/errors.ts defines each code with a one-line comment, and the
 * README's list (between its error-codes markers) must say the same, code for code.
 */
async function readmeCodes(): Promise<Map<string, string>> {
  const readme = await readFile('README.md', 'utf8');
  const list = /<!-- error-codes:start -->\n([\s\S]*?)<!-- error-codes:end -->/.exec(readme)?.[1];
  if (list === undefined) throw new Error('README.md has no <!-- error-codes:start --> ... <!-- error-codes:end --> list');
  const codes = new Map<string, string>();
  for (const line of list.split('\n').filter(Boolean)) {
    const entry = /^- `(E_[A-Z_]+)`: (.+)$/.exec(line);
    if (!entry) throw new Error(`README.md error list: cannot read ${JSON.stringify(line)}; write "- \`E_CODE\`: meaning"`);
    codes.set(entry[1]!, entry[2]!);
  }
  return codes;
}

async function sourceMeanings(): Promise<Map<string, string>> {
  const source = await readFile('sdk/src/errors.ts', 'utf8');
  const meanings = new Map<string, string>();
  for (const [, meaning, code] of source.matchAll(/\/\*\* (.+?) \*\/\n\s+[A-Z_]+: '(E_[A-Z_]+)',/g)) meanings.set(code!, meaning!);
  return meanings;
}

describe('error codes', () => {
  it('are listed in the README exactly as ErrorCodes defines them, both ways', async () => {
    const documented = [...(await readmeCodes()).keys()].sort();
    expect(documented).toEqual(Object.values(ErrorCodes).sort());
  });

  it('each have a one-line meaning in errors.ts that the README repeats', async () => {
    const readme = await readmeCodes();
    const source = await sourceMeanings();
    for (const code of Object.values(ErrorCodes)) {
      expect(source.get(code), `${code} has no /** meaning */ comment in errors.ts`).toBeTruthy();
      expect(readme.get(code), code).toBe(source.get(code));
    }
  });
});
