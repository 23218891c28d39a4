import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

describe('the worker protocol', () => {
  it('is self-contained: its messages and data types import nothing, so the wire format reads in one file', async () => {
    const source = await readFile(new URL('./engine-protocol.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/^\s*(import|export\s+(\*|\{[^}]*\}|type\s+\{[^}]*\})\s+from)\b/m);
  });
});
