import type { UserSample } from './user-samples.ts';

const SIZE = 56;

/** The user's samples as small pictures with their labels, each with a button that deletes it. */
export function showThumbnails(list: HTMLUListElement, samples: readonly UserSample[], onDelete: (sample: UserSample) => void): void {
  list.replaceChildren(
    ...samples.map((sample, index) => {
      const item = document.createElement('li');
      item.dataset.label = sample.label;
      const picture = document.createElement('canvas');
      picture.width = SIZE;
      picture.height = SIZE;
      picture.setAttribute('role', 'img');
      picture.setAttribute('aria-label', `sample ${index + 1}: a ${sample.label}`);
      drawScaled(picture, sample);
      const caption = document.createElement('span');
      caption.textContent = sample.label;
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'remove';
      remove.textContent = '×';
      remove.setAttribute('aria-label', `Delete sample ${index + 1} (${sample.label})`);
      remove.addEventListener('click', () => onDelete(sample));
      item.append(picture, caption, remove);
      return item;
    }),
  );
}

function drawScaled(picture: HTMLCanvasElement, sample: UserSample): void {
  const full = new ImageData(sample.width, sample.height);
  for (let i = 0; i < sample.gray.length; i++) full.data.set([sample.gray[i]!, sample.gray[i]!, sample.gray[i]!, 255], i * 4);
  const source = document.createElement('canvas');
  source.width = sample.width;
  source.height = sample.height;
  source.getContext('2d')!.putImageData(full, 0, 0);
  const context = picture.getContext('2d')!;
  context.imageSmoothingQuality = 'high';
  context.drawImage(source, 0, 0, SIZE, SIZE);
}
