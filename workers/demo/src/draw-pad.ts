/** Stroke width on the 280 px pad: MNIST strokes are about a tenth of the digit's height. */
const STROKE_WIDTH = 20;
/** How far one arrow key press moves the keyboard pen. */
const KEY_STEP = 14;

type Point = { x: number; y: number };

/**
 * A canvas to draw a digit on, dark ink on white, with a mouse, pen or finger (pointer events)
 * or the keyboard (arrow keys move a pen, Space lifts or lowers it). `version` counts changes,
 * so an answer can say which drawing it is for.
 */
export class DrawPad extends EventTarget {
  readonly #context: CanvasRenderingContext2D;
  #version = 0;
  #inked = false;
  #last: Point | undefined;
  #pen: Point & { down: boolean };

  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly cursor: HTMLElement,
  ) {
    super();
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new Error('this browser cannot draw on a canvas');
    this.#context = context;
    this.#pen = { x: canvas.width / 2, y: canvas.height / 2, down: false };
    this.#wipe();
    canvas.addEventListener('pointerdown', this.#onDown);
    canvas.addEventListener('pointermove', this.#onMove);
    canvas.addEventListener('pointerup', this.#onUp);
    canvas.addEventListener('pointercancel', this.#onUp);
    canvas.addEventListener('keydown', this.#onKey);
    canvas.addEventListener('focus', () => {
      if (canvas.matches(':focus-visible')) this.#showCursor();
    });
    canvas.addEventListener('blur', () => (this.cursor.hidden = true));
  }

  get version(): number {
    return this.#version;
  }

  get hasInk(): boolean {
    return this.#inked;
  }

  /** The canvas pixels (RGBA), exactly what is classified. */
  imageData(): ImageData {
    return this.#context.getImageData(0, 0, this.canvas.width, this.canvas.height);
  }

  clear(): void {
    this.#wipe();
    this.#inked = false;
    this.#changed();
  }

  #wipe(): void {
    this.#context.fillStyle = '#fff';
    this.#context.fillRect(0, 0, this.canvas.width, this.canvas.height);
  }

  #changed(): void {
    this.#version++;
    // Tests wait until an answer names this version (see top-list.ts).
    this.canvas.dataset.version = String(this.#version);
    this.dispatchEvent(new Event('change'));
  }

  #toCanvas(event: PointerEvent): Point {
    const box = this.canvas.getBoundingClientRect();
    return { x: ((event.clientX - box.left) / box.width) * this.canvas.width, y: ((event.clientY - box.top) / box.height) * this.canvas.height };
  }

  #line(from: Point, to: Point): void {
    const context = this.#context;
    context.strokeStyle = '#000';
    context.fillStyle = '#000';
    context.lineWidth = STROKE_WIDTH;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.beginPath();
    context.moveTo(from.x, from.y);
    context.lineTo(to.x, to.y);
    context.stroke();
    this.#inked = true;
  }

  readonly #onDown = (event: PointerEvent): void => {
    if (event.button !== 0) return;
    event.preventDefault();
    this.canvas.setPointerCapture(event.pointerId);
    this.#last = this.#toCanvas(event);
    this.#line(this.#last, this.#last);
    this.#changed();
  };

  readonly #onMove = (event: PointerEvent): void => {
    if (this.#last === undefined) return;
    event.preventDefault();
    // Coalesced events keep fast strokes smooth (several moves per frame).
    const events = typeof event.getCoalescedEvents === 'function' ? event.getCoalescedEvents() : [];
    for (const moved of events.length > 0 ? events : [event]) {
      const point = this.#toCanvas(moved);
      this.#line(this.#last, point);
      this.#last = point;
    }
    this.#changed();
  };

  readonly #onUp = (event: PointerEvent): void => {
    if (this.#last === undefined) return;
    this.#last = undefined;
    if (this.canvas.hasPointerCapture(event.pointerId)) this.canvas.releasePointerCapture(event.pointerId);
    this.dispatchEvent(new Event('strokeend'));
  };

  readonly #onKey = (event: KeyboardEvent): void => {
    const moves: Record<string, Point> = { ArrowLeft: { x: -1, y: 0 }, ArrowRight: { x: 1, y: 0 }, ArrowUp: { x: 0, y: -1 }, ArrowDown: { x: 0, y: 1 } };
    const move = moves[event.key];
    if (move) {
      const from = { x: this.#pen.x, y: this.#pen.y };
      this.#pen.x = Math.min(this.canvas.width, Math.max(0, this.#pen.x + move.x * KEY_STEP));
      this.#pen.y = Math.min(this.canvas.height, Math.max(0, this.#pen.y + move.y * KEY_STEP));
      if (this.#pen.down) {
        this.#line(from, this.#pen);
        this.#changed();
      }
    } else if (event.key === ' ') {
      this.#pen.down = !this.#pen.down;
      if (this.#pen.down) {
        this.#line(this.#pen, this.#pen);
        this.#changed();
      } else {
        this.dispatchEvent(new Event('strokeend'));
      }
    } else if (event.key === 'Delete' || event.key === 'Backspace') {
      this.clear();
    } else {
      return;
    }
    event.preventDefault();
    this.#showCursor();
  };

  /** The keyboard pen's position, drawn over the canvas (not into it: the pixels stay the drawing's). */
  #showCursor(): void {
    this.cursor.hidden = false;
    this.cursor.classList.toggle('down', this.#pen.down);
    this.cursor.style.left = `${(this.#pen.x / this.canvas.width) * 100}%`;
    this.cursor.style.top = `${(this.#pen.y / this.canvas.height) * 100}%`;
  }
}
