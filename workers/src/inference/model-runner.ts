import type { Manifest } from '../../../sdk/src/artifacts/manifest.ts';
import { MODEL_IMAGE_SIZE } from '../../../sdk/src/input/classifier-input.ts';
import { verifyFile } from '../../../sdk/src/loading/verify-file.ts';
import { ErrorCodes } from '../../../sdk/src/errors.ts';
import { ApiError } from '../http/api-error.ts';
import { fileKey } from '../store/model-keys.ts';
import { startOrt, type Ort } from './ort-wasm.ts';
import { RunQueue } from './run-queue.ts';

type Session = Awaited<ReturnType<Ort['InferenceSession']['create']>>;

/** One model version's ONNX Runtime session; runs go through a queue so requests share it safely. */
export class ModelRunner {
  readonly #queue = new RunQueue();

  private constructor(
    private readonly ort: Ort,
    private readonly session: Session,
    private readonly manifest: Manifest,
  ) {}

  /** Reads model.onnx from R2 once, checks it against the manifest's sha256, then creates the session. */
  static async load(bucket: R2Bucket, manifest: Manifest): Promise<ModelRunner> {
    const [ort, bytes] = await Promise.all([startOrt(), readModel(bucket, manifest)]);
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
    return new ModelRunner(ort, session, manifest);
  }

  /** Class probabilities, [count x labels] row-major, for `count` images of 784 floats. */
  run(pixels: Float32Array, count: number): Promise<Float32Array> {
    const { input, outputs } = this.manifest;
    return this.#queue.run(async () => {
      const tensor = new this.ort.Tensor('float32', pixels, [count, 1, MODEL_IMAGE_SIZE, MODEL_IMAGE_SIZE]);
      const result = await this.session.run({ [input.name]: tensor }, [outputs.probs.name]);
      const probs = result[outputs.probs.name];
      if (!probs || !(probs.data instanceof Float32Array)) throw new Error(`model.onnx gave no float32 "${outputs.probs.name}" output`);
      return probs.data;
    });
  }

  /** Releases the session once the runs already queued have finished. */
  release(): Promise<void> {
    return this.#queue.run(() => this.session.release());
  }
}

async function readModel(bucket: R2Bucket, manifest: Manifest): Promise<Uint8Array> {
  const key = fileKey(manifest.name, manifest.version, 'model.onnx');
  const object = await bucket.get(key);
  if (!object) {
    throw new ApiError(500, ErrorCodes.FETCH_FAILED, `${manifest.name}@${manifest.version} is published without model.onnx; re-publish it.`);
  }
  const bytes = new Uint8Array(await object.arrayBuffer());
  await verifyFile('model.onnx', bytes, manifest.files['model.onnx'], `R2 ${key}`);
  return bytes;
}
