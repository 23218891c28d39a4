import { openDB, type IDBPDatabase } from 'idb';

/** A drawing the user labelled, kept on this device: one gray channel of the pad. */
export interface UserSample {
  readonly id: string;
  readonly label: string;
  readonly width: number;
  readonly height: number;
  readonly gray: Uint8Array;
  readonly createdAt: number;
}

const DATABASE = 'edgetune-demo';
const STORE = 'samples';

/** The user's labelled drawings in IndexedDB, oldest first; they survive reloads and model switches. */
export class UserSamples {
  #database: Promise<IDBPDatabase> | undefined;

  #open(): Promise<IDBPDatabase> {
    this.#database ??= openDB(DATABASE, 1, { upgrade: (db) => void db.createObjectStore(STORE, { keyPath: 'id' }) });
    return this.#database;
  }

  async list(): Promise<UserSample[]> {
    const all = (await (await this.#open()).getAll(STORE)) as UserSample[];
    return all.sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Keeps the drawing's gray channel (the pad is gray, so red is enough) with its label. */
  async add(image: ImageData, label: string): Promise<UserSample> {
    const gray = new Uint8Array(image.width * image.height);
    for (let i = 0; i < gray.length; i++) gray[i] = image.data[i * 4]!;
    const sample: UserSample = { id: crypto.randomUUID(), label, width: image.width, height: image.height, gray, createdAt: Date.now() };
    await (await this.#open()).put(STORE, sample);
    return sample;
  }

  async remove(id: string): Promise<void> {
    await (await this.#open()).delete(STORE, id);
  }
}

/** A sample as the SDK takes it: any-size gray image, either polarity (prepared like a drawing). */
export function asInput(sample: UserSample): { data: Uint8Array; width: number; height: number; channels: 1 } {
  return { data: sample.gray, width: sample.width, height: sample.height, channels: 1 };
}
