import { connectEdge, type EdgeClassifier } from 'edgetune';
import { describeError, isUnfinishedDrawing } from './notices.ts';
import { showTop } from './top-list.ts';

/**
 * The same drawing classified by the edge Worker that serves this page (the same ONNX file over
 * HTTP), with its round-trip time. An unreachable edge is said so; the device keeps working, and
 * the next drawing tries the edge again.
 */
export class EdgePanel {
  #model = '';
  #edge: Promise<EdgeClassifier> | undefined;

  constructor(
    private readonly list: HTMLOListElement,
    private readonly meta: HTMLElement,
  ) {}

  use(model: string): void {
    this.#model = model;
    this.#edge = undefined;
    showTop(this.list, undefined, -1);
    this.meta.textContent = '';
  }

  async classify(image: ImageData | undefined, drawingVersion: number): Promise<void> {
    if (image === undefined) {
      showTop(this.list, undefined, drawingVersion);
      this.meta.textContent = '';
      return;
    }
    const model = this.#model;
    try {
      this.#edge ??= connectEdge(location.origin, model);
      const edge = await this.#edge;
      const started = performance.now();
      const prediction = await edge.classify(image);
      const ms = performance.now() - started;
      if (model !== this.#model) return;
      showTop(this.list, prediction, drawingVersion);
      this.meta.dataset.state = 'ok';
      this.meta.textContent = `${ms.toFixed(0)} ms round trip · ${edge.name} ${edge.version} on the edge Worker`;
    } catch (error) {
      if (model !== this.#model) return;
      showTop(this.list, undefined, drawingVersion);
      if (isUnfinishedDrawing(error)) {
        this.meta.textContent = 'Keep drawing…';
        return;
      }
      this.#edge = undefined;
      this.meta.dataset.state = 'offline';
      this.meta.textContent = `The edge did not answer, so only this device classifies: ${describeError(error)}`;
    }
  }
}
