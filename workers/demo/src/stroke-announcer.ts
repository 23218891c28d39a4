/*
 * Screen readers hear the answers once a stroke is done, not at every move of the pen: after a
 * short pause, and only once both answer lists are for the finished drawing (each list carries
 * the drawing version it answers, see top-list.ts). The edge can answer seconds after the device,
 * so waiting on a fixed timer alone announced "no answer" for it. A list that never catches up
 * (a later stroke, a lost request) is announced as it stands after WAIT_LIMIT_MS.
 */

/** Quiet time after a stroke before anything is said. */
const PAUSE_MS = 600;
/** The longest an announcement waits for both answers. */
const WAIT_LIMIT_MS = 15_000;

export class StrokeAnnouncer {
  #cancel: () => void = () => undefined;

  constructor(
    private readonly announcer: HTMLElement,
    private readonly lists: { readonly device: HTMLOListElement; readonly edge: HTMLOListElement },
  ) {}

  /** Announces both answers for `drawingVersion`; a later call replaces a pending one. */
  strokeEnded(drawingVersion: number): void {
    this.#cancel();
    const { device, edge } = this.lists;
    const answered = () => device.dataset.drawing === String(drawingVersion) && edge.dataset.drawing === String(drawingVersion);
    const observer = new MutationObserver(() => answered() && say());
    const pause = setTimeout(() => {
      if (answered()) say();
      else for (const list of [device, edge]) observer.observe(list, { attributes: true, attributeFilter: ['data-drawing'] });
    }, PAUSE_MS);
    const limit = setTimeout(() => say(), WAIT_LIMIT_MS);
    const stop = () => {
      clearTimeout(pause);
      clearTimeout(limit);
      observer.disconnect();
    };
    const say = () => {
      stop();
      this.announcer.textContent = `This device reads ${topAnswer(device)}; the edge reads ${topAnswer(edge)}.`;
    };
    this.#cancel = stop;
  }
}

function topAnswer(list: HTMLOListElement): string {
  return list.querySelector('li')?.getAttribute('aria-label') ?? 'no answer';
}
