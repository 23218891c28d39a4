import type { Classifier, PersonalizeOptions } from 'edgetune';
import { element, settings } from './dom.ts';
import { LossChart } from './loss-chart.ts';
import { describeError, type Notices } from './notices.ts';
import { asInput, type UserSample } from './user-samples.ts';

/** The SDK's defaults, tuned to learn a writing style while forgetting little of the rest. */
const DEMO_PERSONALIZATION: PersonalizeOptions = { steps: 100 };

type HeadChoice = 'personalized' | 'pretrained';

/**
 * Personalize (fine-tune the head on the user's samples, with a live loss curve and the accuracy
 * on those samples before and after), then save, load or reset the head. The choice between the
 * saved personalized head and the pretrained one is remembered per model across reloads.
 */
export class HeadPanel {
  readonly #personalize = element('personalize', HTMLButtonElement);
  readonly #result = element('personalize-result', HTMLElement);
  readonly #save = element('save-head', HTMLButtonElement);
  readonly #load = element('load-head', HTMLButtonElement);
  readonly #reset = element('reset-head', HTMLButtonElement);
  readonly #status = element('head-status', HTMLElement);
  readonly #chart = new LossChart(element('loss-chart', HTMLCanvasElement));
  #classifier: Classifier | undefined;
  #busy = false;
  /** Personalized since the last save or load. */
  #unsaved = false;

  constructor(
    private readonly notices: Notices,
    private readonly samples: () => Promise<UserSample[]>,
    /** The head changed: the current drawing is classified again. */
    private readonly onHeadChanged: () => void,
  ) {
    this.#personalize.addEventListener('click', () => void this.#run(() => this.#train()));
    this.#save.addEventListener('click', () => void this.#run(() => this.#saveHead()));
    this.#load.addEventListener('click', () => void this.#run(() => this.#loadHead()));
    this.#reset.addEventListener('click', () => void this.#run(() => this.#resetHead()));
  }

  /** A model was loaded: install the head the user chose last time for it. */
  async use(classifier: Classifier): Promise<void> {
    this.#classifier = classifier;
    this.#result.textContent = '';
    this.#unsaved = false;
    if (this.#choice() === 'personalized') {
      await this.#run(() => this.#loadHead());
    } else {
      this.#show('pretrained', 'The pretrained head is in use.');
    }
  }

  samplesChanged(count: number): void {
    this.#refreshButtons(count);
  }

  #key(): string {
    return `demo-${this.#classifier!.name}`;
  }

  #choice(): HeadChoice | null {
    return this.#classifier ? (settings.get(`head.${this.#classifier.name}`) as HeadChoice | null) : null;
  }

  #remember(choice: HeadChoice): void {
    settings.set(`head.${this.#classifier!.name}`, choice);
  }

  #show(head: HeadChoice, text: string): void {
    this.#status.dataset.head = head;
    this.#status.textContent = text;
  }

  async #run(task: () => Promise<void>): Promise<void> {
    if (this.#classifier === undefined || this.#busy) return;
    this.#busy = true;
    this.#refreshButtons(0);
    try {
      await task();
      this.notices.clear('head');
    } catch (error) {
      this.notices.show('head', describeError(error));
    } finally {
      this.#busy = false;
      this.#refreshButtons((await this.samples()).length);
    }
  }

  #refreshButtons(sampleCount: number): void {
    this.#personalize.disabled = this.#busy || sampleCount === 0;
    this.#save.disabled = this.#busy || !this.#unsaved;
    this.#load.disabled = this.#reset.disabled = this.#busy;
  }

  async #train(): Promise<void> {
    const classifier = this.#classifier!;
    const samples = await this.samples();
    this.#chart.start(DEMO_PERSONALIZATION.steps!);
    this.#result.textContent = `Training on your ${samples.length} samples…`;
    const report = await classifier.personalize(
      samples.map((sample) => ({ input: asInput(sample), label: sample.label })),
      { ...DEMO_PERSONALIZATION, onStep: ({ loss }) => this.#chart.push(loss) },
    );
    const percent = (value: number) => `${Math.round(value * 100)}%`;
    this.#result.textContent =
      `Right on ${percent(report.accuracyBefore)} of your ${report.samples} samples before, ${percent(report.accuracyAfter)} after ` +
      `(${report.steps} steps in ${report.milliseconds.toFixed(0)} ms).`;
    this.#result.dataset.before = String(report.accuracyBefore);
    this.#result.dataset.after = String(report.accuracyAfter);
    this.#unsaved = true;
    this.#show('personalized', 'Your personalized head is in use. Save it to keep it after a reload.');
    this.onHeadChanged();
  }

  async #saveHead(): Promise<void> {
    const summary = await this.#classifier!.saveHead(this.#key());
    this.#remember('personalized');
    this.#unsaved = false;
    this.#show('personalized', `Your personalized head is in use, saved on this device at ${new Date(summary.savedAt).toLocaleTimeString()}.`);
  }

  async #loadHead(): Promise<void> {
    try {
      await this.#classifier!.loadHead(this.#key());
    } catch (error) {
      // Nothing saved yet, or saved for another version of the model: back to the pretrained head.
      this.#remember('pretrained');
      this.#show('pretrained', 'The pretrained head is in use.');
      throw error;
    }
    this.#remember('personalized');
    this.#unsaved = false;
    this.#show('personalized', 'Your saved personalized head is in use.');
    this.onHeadChanged();
  }

  async #resetHead(): Promise<void> {
    await this.#classifier!.resetHead();
    this.#remember('pretrained');
    this.#unsaved = false;
    this.#show('pretrained', 'The pretrained head is in use. "Load saved head" brings your saved one back.');
    this.onHeadChanged();
  }
}
