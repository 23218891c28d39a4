import type { Prediction } from 'edgetune';

/**
 * Shows a prediction's ranked labels as bars. The list carries the drawing version it answers
 * and each item its exact score, so what the page shows can be checked against the SDK.
 */
export function showTop(list: HTMLOListElement, prediction: Prediction | undefined, drawingVersion: number): void {
  list.replaceChildren(
    ...(prediction?.top ?? []).map(({ label, score }, rank) => {
      const item = document.createElement('li');
      item.dataset.label = label;
      item.dataset.score = String(score);
      item.className = rank === 0 ? 'first' : '';
      const percent = `${(score * 100).toFixed(1)}%`;
      item.setAttribute('aria-label', `${label}: ${percent}`);
      const name = document.createElement('span');
      name.className = 'label';
      name.textContent = label;
      const bar = document.createElement('span');
      bar.className = 'bar';
      bar.style.setProperty('--share', String(score));
      const value = document.createElement('span');
      value.className = 'value';
      value.textContent = percent;
      item.append(name, bar, value);
      return item;
    }),
  );
  list.dataset.drawing = String(drawingVersion);
}
