/** The training loss per step as a line, redrawn as steps arrive; the canvas label says it in words. */
export class LossChart {
  #losses: number[] = [];
  #steps = 0;

  constructor(private readonly canvas: HTMLCanvasElement) {
    this.#draw();
  }

  start(steps: number): void {
    this.#losses = [];
    this.#steps = steps;
    this.#draw();
  }

  push(loss: number): void {
    this.#losses.push(loss);
    this.#draw();
  }

  #draw(): void {
    const context = this.canvas.getContext('2d');
    if (!context) return;
    const { width, height } = this.canvas;
    const pad = 8;
    context.clearRect(0, 0, width, height);
    context.strokeStyle = '#ccd';
    context.strokeRect(0.5, 0.5, width - 1, height - 1);
    const losses = this.#losses;
    context.fillStyle = '#5b6275';
    context.font = '13px system-ui, sans-serif';
    if (losses.length === 0) {
      context.fillText('The training loss appears here, step by step, when you personalize.', pad + 4, height / 2);
      return;
    }
    const top = Math.max(...losses);
    const bottom = Math.min(0, ...losses);
    const x = (step: number) => pad + (step / Math.max(1, this.#steps - 1)) * (width - 2 * pad);
    const y = (loss: number) => height - pad - ((loss - bottom) / (top - bottom || 1)) * (height - 2 * pad);
    context.strokeStyle = '#3557d6';
    context.lineWidth = 2;
    context.beginPath();
    losses.forEach((loss, step) => (step === 0 ? context.moveTo(x(step), y(loss)) : context.lineTo(x(step), y(loss))));
    context.stroke();
    context.fillStyle = '#333';
    context.fillText(`loss ${losses.at(-1)!.toFixed(3)} · step ${losses.length}/${this.#steps}`, pad + 4, pad + 12);
    this.canvas.setAttribute('aria-label', `Training loss: ${losses[0]!.toFixed(3)} at the first step, ${losses.at(-1)!.toFixed(3)} at step ${losses.length} of ${this.#steps}`);
  }
}
