import type { EpochMetrics } from './train-loop.ts';

export interface CurveOptions {
  /** The epoch whose weights were kept; the best on validation unless given. */
  readonly keptEpoch?: number;
  /** What the dashed lines measure. */
  readonly validationName?: string;
}

/** An SVG chart of loss and accuracy per epoch (training and validation), written beside the checkpoint. */
export function trainingCurveSvg(title: string, history: readonly EpochMetrics[], options: CurveOptions = {}): string {
  const width = 720;
  const height = 320;
  const pad = { left: 56, right: 56, top: 36, bottom: 40 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const epochs = history.length;
  const x = (epoch: number) => pad.left + (epochs <= 1 ? plotW / 2 : ((epoch - 1) / (epochs - 1)) * plotW);
  const maxLoss = Math.max(1e-6, ...history.flatMap((m) => [m.loss, m.valLoss]));
  const minAcc = Math.min(...history.flatMap((m) => [m.accuracy, m.valAccuracy]), 0.99);
  const yLoss = (v: number) => pad.top + plotH - (v / maxLoss) * plotH;
  const yAcc = (v: number) => pad.top + plotH - ((v - minAcc) / (1 - minAcc)) * plotH;
  const line = (values: number[], y: (v: number) => number, color: string, dash = '') =>
    `<polyline fill="none" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''} points="${values
      .map((v, i) => `${x(i + 1).toFixed(1)},${y(v).toFixed(1)}`)
      .join(' ')}"/>`;
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const validationName = options.validationName ?? 'validation';
  const best =
    options.keptEpoch !== undefined
      ? history.find((m) => m.epoch === options.keptEpoch)
      : history.reduce<EpochMetrics | undefined>((a, m) => (!a || m.valAccuracy > a.valAccuracy ? m : a), undefined);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">
<rect width="100%" height="100%" fill="white"/>
<text x="${pad.left}" y="20" font-size="14">${escapeXml(title)}${best ? ` — ${escapeXml(validationName)} acc ${(best.valAccuracy * 100).toFixed(2)}% (epoch ${best.epoch}, kept)` : ''}</text>
${best ? `<line x1="${x(best.epoch).toFixed(1)}" x2="${x(best.epoch).toFixed(1)}" y1="${pad.top}" y2="${pad.top + plotH}" stroke="#999" stroke-dasharray="2,3"/>` : ''}
<rect x="${pad.left}" y="${pad.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>
${ticks
  .map(
    (t) => `<text x="${pad.left - 6}" y="${(pad.top + plotH - t * plotH + 4).toFixed(1)}" text-anchor="end" fill="#c0392b">${(t * maxLoss).toFixed(3)}</text>
<text x="${width - pad.right + 6}" y="${(pad.top + plotH - t * plotH + 4).toFixed(1)}" fill="#2471a3">${((minAcc + t * (1 - minAcc)) * 100).toFixed(2)}%</text>`,
  )
  .join('\n')}
${history.map((m) => `<text x="${x(m.epoch).toFixed(1)}" y="${height - pad.bottom + 16}" text-anchor="middle">${m.epoch}</text>`).join('\n')}
<text x="${pad.left + plotW / 2}" y="${height - 6}" text-anchor="middle">epoch</text>
${line(history.map((m) => m.loss), yLoss, '#c0392b')}
${line(history.map((m) => m.valLoss), yLoss, '#c0392b', '5,4')}
${line(history.map((m) => m.accuracy), yAcc, '#2471a3')}
${line(history.map((m) => m.valAccuracy), yAcc, '#2471a3', '5,4')}
<text x="${width - pad.right}" y="14" text-anchor="end"><tspan fill="#c0392b">loss</tspan> / <tspan fill="#2471a3">accuracy</tspan></text>
<text x="${width - pad.right}" y="28" text-anchor="end" fill="#555">train solid, ${escapeXml(validationName)} dashed</text>
</svg>
`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}
