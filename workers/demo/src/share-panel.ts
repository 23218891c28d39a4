import { IndexedDbSampleQueue, SampleUploader, type FlushReport } from 'edgetune';
import { element, settings } from './dom.ts';
import { describeError, type Notices } from './notices.ts';
import { asInput, type UserSample } from './user-samples.ts';

/**
 * Opt-in "Share my samples": the user's labelled drawings go to the edge through the SDK's
 * SampleUploader (a persistent queue in IndexedDB, retries), with the app key the edge hands out
 * in local development only. Shows what waits in the queue and what the edge accepted.
 */
export class SharePanel {
  readonly #checkbox = element('share', HTMLInputElement);
  readonly #status = element('share-status', HTMLElement);
  #appKey: string | null | undefined;
  #model = '';
  #uploader: SampleUploader | undefined;
  /** Syncs run one after another, so a sample is never queued twice. */
  #syncing: Promise<void> = Promise.resolve();

  constructor(
    private readonly notices: Notices,
    private readonly samples: () => Promise<UserSample[]>,
  ) {
    this.#checkbox.checked = settings.get('share') === 'on';
    this.#checkbox.addEventListener('change', () => {
      settings.set('share', this.#checkbox.checked ? 'on' : 'off');
      void this.#sync();
    });
  }

  /** Asks the edge for the app key, then shares with `model` from now on. */
  async use(model: string): Promise<void> {
    this.#model = model;
    this.#uploader?.close();
    this.#uploader = undefined;
    this.#appKey ??= await fetch('/v1/demo/config')
      .then(async (response) => ((await response.json()) as { appKey: string | null }).appKey)
      .catch(() => undefined);
    if (this.#appKey === null) {
      this.#checkbox.disabled = true;
      this.#status.textContent = 'Sharing needs an app key: `npm start` gives this page its local development key.';
      return;
    }
    if (this.#appKey !== undefined) {
      const uploader = new SampleUploader({
        endpoint: location.origin,
        apiKey: this.#appKey,
        model,
        queue: new IndexedDbSampleQueue(`demo-${model}`),
        maxAttempts: 3,
      });
      uploader.addEventListener('sent', (event) => this.#count((event as CustomEvent<FlushReport>).detail));
      uploader.addEventListener('error', (event) => this.#failed((event as CustomEvent).detail));
      this.#uploader = uploader;
    }
    await this.#sync();
  }

  /** A new labelled drawing: queued and sent at once when sharing is on. */
  async sampleAdded(): Promise<void> {
    await this.#sync();
  }

  #sharedIds(): Set<string> {
    return new Set(JSON.parse(settings.get(`shared.${this.#model}`) ?? '[]') as string[]);
  }

  #count(report: FlushReport): void {
    const accepted = Number(settings.get(`accepted.${this.#model}`) ?? 0) + report.accepted + report.duplicates;
    settings.set(`accepted.${this.#model}`, String(accepted));
  }

  #failed(error: unknown): void {
    this.notices.show('share', `Your samples could not be sent yet; they stay queued on this device and go when the edge answers. ${describeError(error)}`);
  }

  #sync(): Promise<void> {
    this.#syncing = this.#syncing.then(() => this.#syncNow());
    return this.#syncing;
  }

  /** Queues the samples not shared with this model yet, sends the queue, then shows the counts. */
  async #syncNow(): Promise<void> {
    const uploader = this.#uploader;
    if (uploader === undefined) {
      this.#status.textContent = 'The edge is unreachable; sharing works when it answers again.';
      return;
    }
    if (this.#checkbox.checked) {
      const shared = this.#sharedIds();
      for (const sample of await this.samples()) {
        if (shared.has(sample.id)) continue;
        await uploader.add(asInput(sample), sample.label);
        shared.add(sample.id);
      }
      settings.set(`shared.${this.#model}`, JSON.stringify([...shared]));
      try {
        await uploader.flush();
        this.notices.clear('share');
      } catch (error) {
        this.#failed(error);
      }
    }
    await this.#show(uploader);
  }

  async #show(uploader: SampleUploader): Promise<void> {
    const queued = await uploader.pending();
    const accepted = Number(settings.get(`accepted.${this.#model}`) ?? 0);
    this.#status.dataset.queued = String(queued);
    this.#status.dataset.accepted = String(accepted);
    const state = this.#checkbox.checked ? 'Sharing is on' : 'Not sharing: your samples stay on this device';
    this.#status.textContent = `${state}. ${this.#model}: ${queued} queued, ${accepted} accepted by the edge.`;
  }
}
