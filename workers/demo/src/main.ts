import type { Classifier } from 'edgetune';
import { backendName, describeModel, loadOnDevice } from './device-loader.ts';
import { element, settings } from './dom.ts';
import { DrawPad } from './draw-pad.ts';
import { EdgePanel } from './edge-panel.ts';
import { HeadPanel } from './head-panel.ts';
import { latestOnly } from './latest-only.ts';
import { describeError, isUnfinishedDrawing, Notices } from './notices.ts';
import { keepAvailableOffline } from './offline-shell.ts';
import { showThumbnails } from './sample-thumbnails.ts';
import { SharePanel } from './share-panel.ts';
import { StrokeAnnouncer } from './stroke-announcer.ts';
import { showTop } from './top-list.ts';
import { UserSamples } from './user-samples.ts';
import { webGpuMissing } from './webgpu-check.ts';

/*
 * The demo page: draw a digit, see the device's and the edge's answers, correct the device,
 * personalize it, share the corrections. Everything model-related goes through `edgetune`.
 */
const MODELS = ['mnist-cnn', 'mnist-mlp'] as const;

const notices = new Notices(element('notices', HTMLElement));
const pad = new DrawPad(element('pad', HTMLCanvasElement), element('pen-cursor', HTMLElement));
const deviceTop = element('device-top', HTMLOListElement);
const deviceMeta = element('device-meta', HTMLElement);
const details = element('model-details', HTMLElement);
const download = { box: element('download', HTMLElement), label: element('download-label', HTMLElement), bar: element('download-progress', HTMLProgressElement) };
const samples = new UserSamples();
const listSamples = () => samples.list();
const edgeTop = element('edge-top', HTMLOListElement);
const edge = new EdgePanel(edgeTop, element('edge-meta', HTMLElement));
let classifier: Classifier | undefined;

const classifyOnDevice = latestOnly(async () => {
  const version = pad.version;
  const current = classifier;
  if (!pad.hasInk || current === undefined) {
    showTop(deviceTop, undefined, version);
    deviceMeta.textContent = current === undefined ? '' : 'Draw a digit in the box.';
    return;
  }
  const image = pad.imageData();
  const started = performance.now();
  try {
    const prediction = await current.classify(image);
    if (current !== classifier) return;
    showTop(deviceTop, prediction, version);
    deviceMeta.textContent = `${(performance.now() - started).toFixed(1)} ms on ${backendName(current.backend)}`;
  } catch (error) {
    // Said inside the card: a message above the pad would move it under a pen that is drawing.
    showTop(deviceTop, undefined, version);
    deviceMeta.textContent = isUnfinishedDrawing(error) ? 'Keep drawing…' : `Classifying on this device failed: ${describeError(error)}`;
  }
});
const classifyAtEdge = latestOnly(() => edge.classify(pad.hasInk ? pad.imageData() : undefined, pad.version));
const classifyBoth = () => {
  classifyOnDevice();
  classifyAtEdge();
};

const heads = new HeadPanel(notices, listSamples, classifyOnDevice);
const share = new SharePanel(notices, listSamples);

pad.addEventListener('change', classifyBoth);
const announcer = new StrokeAnnouncer(element('announcer', HTMLElement), { device: deviceTop, edge: edgeTop });
pad.addEventListener('strokeend', () => announcer.strokeEnded(pad.version));
element('clear', HTMLButtonElement).addEventListener('click', () => pad.clear());

// "That's wrong, it is a _": one button per digit.
const digits = element('correct-digits', HTMLElement);
for (let digit = 0; digit <= 9; digit++) {
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = String(digit);
  button.setAttribute('aria-label', `It is a ${digit}`);
  button.addEventListener('click', () => void correct(String(digit)));
  digits.append(button);
}

async function correct(label: string): Promise<void> {
  if (!pad.hasInk) {
    notices.show('samples', 'Draw the digit first, then say what it is.', 'info');
    return;
  }
  try {
    await samples.add(pad.imageData(), label);
    notices.clear('samples');
    await refreshSamples();
    await share.sampleAdded();
  } catch (error) {
    notices.show('samples', `The sample could not be stored on this device: ${describeError(error)}`);
  }
}

async function refreshSamples(): Promise<void> {
  const all = await samples.list();
  showThumbnails(element('thumbnails', HTMLUListElement), all, (sample) => void samples.remove(sample.id).then(refreshSamples));
  const counts = new Map<string, number>();
  for (const sample of all) counts.set(sample.label, (counts.get(sample.label) ?? 0) + 1);
  element('samples-summary', HTMLElement).textContent =
    all.length === 0
      ? 'No samples yet: draw a digit the model gets wrong, then say what it is.'
      : `${all.length} sample${all.length === 1 ? '' : 's'} on this device (${[...counts].map(([label, n]) => `${n} × ${label}`).join(', ')}). Personalize teaches them to the model.`;
  heads.samplesChanged(all.length);
}

// The model switch: the new model loads while the old one keeps answering; a failed load keeps the old one.
const switches = [...document.querySelectorAll<HTMLInputElement>('input[name="model"]')];
for (const input of switches) input.addEventListener('change', () => input.checked && void useModel(input.value));

async function useModel(name: string): Promise<void> {
  switches.forEach((input) => (input.disabled = true));
  try {
    const loaded = await loadOnDevice(name, download);
    const previous = classifier;
    classifier = loaded;
    void previous?.dispose();
    settings.set('model', name);
    notices.clear('download');
    details.textContent = describeModel(loaded);
    details.dataset.model = loaded.name;
    details.dataset.loadedFrom = loaded.loadedFrom;
    edge.use(name);
    await heads.use(loaded);
    void share.use(name);
    classifyBoth();
    void offerUpdate(loaded);
  } catch (error) {
    const fallback = classifier?.name;
    notices.show('download', `Could not load ${name}: ${describeError(error)}${fallback ? ` Still using ${fallback}.` : ''}`, 'error', {
      label: `Try ${name} again`,
      run: () => void useModel(name),
    });
    if (!classifier) details.textContent = `No model loaded: ${name} could not be loaded.`;
  } finally {
    switches.forEach((input) => {
      input.disabled = false;
      input.checked = input.value === (classifier?.name ?? name);
    });
  }
}

/** A newer version at the edge (or this one withdrawn): offered, never forced on a user mid-drawing. */
async function offerUpdate(loaded: Classifier): Promise<void> {
  const check = await loaded.checkForUpdate();
  if (loaded !== classifier || check.offline || check.nextLoad === undefined || check.nextLoad === check.current) return notices.clear('update');
  const reason = check.withdrawn ? `${check.current} was withdrawn` : `${check.latest} is available`;
  notices.show('update', `${loaded.name} ${reason}.`, 'info', { label: `Use ${check.nextLoad}`, run: () => void useModel(loaded.name) });
}
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && classifier) void offerUpdate(classifier);
});

// Said before the model loads, so the page does not shift under a pen that is already drawing.
void webGpuMissing().then((missing) => {
  if (missing) notices.show('webgpu', 'WebGPU is not available in this browser, so the model runs on WebAssembly (WASM): still fast for digits.', 'info');
});
const remembered = settings.get('model');
void useModel(MODELS.find((name) => name === remembered) ?? MODELS[0]);
void refreshSamples();
void keepAvailableOffline(element('offline-status', HTMLElement));
