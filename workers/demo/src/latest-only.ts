/**
 * Runs `task` now, or once more after the running call if asked meanwhile: while the user draws,
 * every answer is for a recent drawing and the last one is for the final drawing, without a queue.
 */
export function latestOnly(task: () => Promise<void>): () => void {
  let running = false;
  let again = false;
  const run = async (): Promise<void> => {
    running = true;
    try {
      do {
        again = false;
        await task().catch((error: unknown) => console.error(error));
      } while (again);
    } finally {
      running = false;
    }
  };
  return () => {
    if (running) again = true;
    else void run();
  };
}
