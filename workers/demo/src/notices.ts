import { ErrorCodes, isEdgetuneError } from 'edgetune';

export type NoticeKind = 'error' | 'info';

/** A message line per topic (e.g. "edge", "download"): a newer message on a topic replaces the older one. */
export class Notices {
  readonly #items = new Map<string, HTMLElement>();

  constructor(private readonly container: HTMLElement) {}

  show(topic: string, text: string, kind: NoticeKind = 'error', action?: { label: string; run: () => void }): void {
    const item = document.createElement('p');
    item.className = `notice ${kind}`;
    item.dataset.topic = topic;
    item.textContent = text;
    if (action) {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = action.label;
      button.addEventListener('click', () => {
        this.clear(topic);
        action.run();
      });
      item.append(' ', button);
    }
    const previous = this.#items.get(topic);
    if (previous) previous.replaceWith(item);
    else this.container.append(item);
    this.#items.set(topic, item);
  }

  clear(topic: string): void {
    this.#items.get(topic)?.remove();
    this.#items.delete(topic);
  }
}

/** An error as a sentence for the page: the SDK's message names the fix; its code helps a report. */
export function describeError(error: unknown): string {
  if (isEdgetuneError(error)) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}

/** The SDK refuses a drawing with too little ink to read (e.g. the first dot of a stroke): not a failure. */
export function isUnfinishedDrawing(error: unknown): boolean {
  return isEdgetuneError(error) && error.code === ErrorCodes.INPUT_RANGE;
}
