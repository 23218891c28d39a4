import { loadClassifier, type Backend, type Classifier, type LoadProgress } from 'edgetune';

export interface DownloadView {
  readonly box: HTMLElement;
  readonly label: HTMLElement;
  readonly bar: HTMLProgressElement;
}

const MB = 1024 * 1024;

/**
 * Loads a model from this page's edge into the SDK's Web Worker, showing the download (ONNX
 * Runtime's wasm, then the model files) on a progress bar; a later visit reads both from the cache.
 */
export async function loadOnDevice(name: string, view: DownloadView): Promise<Classifier> {
  view.box.hidden = false;
  view.bar.removeAttribute('value');
  view.label.textContent = `Starting ${name}…`;
  try {
    return await loadClassifier(`/v1/models/${name}/manifest.json`, { onProgress: (event) => showProgress(view, event) });
  } finally {
    view.box.hidden = true;
  }
}

function showProgress(view: DownloadView, event: LoadProgress): void {
  if (event.total > 0) {
    view.bar.max = event.total;
    view.bar.value = event.loaded;
  }
  const amount = `${(event.loaded / MB).toFixed(1)} of ${(event.total / MB).toFixed(1)} MB`;
  const what = event.file === undefined ? '' : ` ${event.file}`;
  view.label.textContent =
    event.phase === 'ready' ? 'Ready' : event.fromCache ? `Read${what} from the cache (${amount})` : event.phase === 'verify' ? `Checking${what}` : `Downloading${what} (${amount})`;
}

/** One line about the loaded model: what it is, how good, where it came from, what runs it. */
export function describeModel(classifier: Classifier): string {
  const { testAccuracy } = classifier.manifest;
  const source = { network: 'downloaded', cache: 'loaded from the cache on this device', mixed: 'partly loaded from the cache' }[classifier.loadedFrom];
  const backend = backendName(classifier.backend);
  return (
    `${classifier.name} ${classifier.version} · ${(testAccuracy.value * 100).toFixed(2)}% on the ${testAccuracy.total.toLocaleString('en')} MNIST test images · ` +
    `${source}${classifier.offline ? ' (offline)' : ''} · runs on ${backend} in a Web Worker (${classifier.runtime})`
  );
}

export function backendName(backend: Backend): string {
  return backend === 'webgpu' ? 'WebGPU' : backend.toUpperCase();
}
