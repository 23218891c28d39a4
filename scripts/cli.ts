/** Runs a script body; a failure prints its message (and code) and exits non-zero, without a stack for expected errors. */
export async function runCli(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    const err = error as Error & { code?: string };
    const expected = err instanceof RangeError || err instanceof TypeError || typeof err.code === 'string';
    console.error(`error${err.code ? ` [${err.code}]` : ''}: ${err.message ?? String(error)}`);
    if ((!expected || process.env.EDGETUNE_DEBUG) && err.stack) console.error(err.stack);
    process.exitCode = 1;
  }
}
