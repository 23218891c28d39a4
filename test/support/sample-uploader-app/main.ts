import { IndexedDbSampleQueue, isEdgetuneError, SampleUploader } from 'edgetune';
import { UPLOADER_PAGE_GLOBAL, type UploaderPage } from './protocol.ts';

/*
 * An app on its own origin that queues labelled samples for an edge on another. Its uploader
 * keeps the queue in IndexedDB and flushes by itself when the page comes back online; a reload
 * builds a new uploader over the same queue, as an app does on every page load.
 */
const params = new URL(location.href).searchParams;
const uploader = new SampleUploader({
  endpoint: params.get('edge') ?? '',
  apiKey: params.get('key') ?? '',
  model: params.get('model') ?? '',
  queue: new IndexedDbSampleQueue('uploader-page'),
  // Offline, a flush gives up within a second; the queue stays.
  maxAttempts: 4,
  backoffMs: 50,
});

const log = { accepted: 0, duplicates: 0, rejected: 0, online: 0, errors: [] as string[] };
addEventListener('online', () => log.online++);
uploader.addEventListener('sent', (event) => {
  const sent = (event as CustomEvent<{ accepted: number; duplicates: number; rejected: number }>).detail;
  log.accepted += sent.accepted;
  log.duplicates += sent.duplicates;
  log.rejected += sent.rejected;
});
uploader.addEventListener('error', (event) => {
  const error = (event as CustomEvent<unknown>).detail;
  log.errors.push(isEdgetuneError(error) ? error.code : String(error));
});

const page: UploaderPage = {
  add: (images, labels) =>
    Promise.all(labels.map((label, i) => uploader.add(Uint8Array.from(images.slice(i * 784, (i + 1) * 784)), label))),
  flush: () =>
    uploader.flush().then(
      (report) => ({ ...report }),
      (error: unknown) => ({ error: isEdgetuneError(error) ? error.code : String(error) }),
    ),
  pending: () => uploader.pending(),
  log: () => ({ ...log, errors: [...log.errors] }),
};

Object.assign(globalThis, { [UPLOADER_PAGE_GLOBAL]: page });
