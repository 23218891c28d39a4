import { ManifestError, parseManifest, type Manifest } from '../../../sdk/src/artifacts/manifest.ts';
import { sha256Hex } from '../../../sdk/src/loading/bytes.ts';
import { ErrorCodes } from '../../../sdk/src/errors.ts';
import { ApiError, notFound } from '../http/api-error.ts';
import { compareVersions, fileKey, latestKey, MANIFEST_FILE, modelPrefix, MODELS_PREFIX, parseLatestPointer, withdrawnKey, isVersion } from './model-keys.ts';
import { parseWithdrawals, WithdrawalRecordError, type Withdrawal, type Withdrawals } from './withdrawals.ts';

export interface PublishedVersion {
  readonly manifest: Manifest;
  /** The manifest's own bytes and sha256 (its ETag). */
  readonly manifestBytes: Uint8Array<ArrayBuffer>;
  readonly manifestSha256: string;
}

export interface ModelSummary {
  readonly name: string;
  readonly latest: string;
  readonly versions: readonly VersionSummary[];
}

export interface VersionSummary {
  readonly version: string;
  readonly createdAt: string;
  readonly accuracy: number;
  /** Total bytes of the checkpoint's files (manifest excluded). */
  readonly bytes: number;
  readonly manifestUrl: string;
  /** Present when the version was taken back (npm run publish -- --withdraw). */
  readonly withdrawn?: Withdrawal;
}

/** Published versions never change, so their manifests are kept per isolate (bounded). */
const MAX_CACHED_MANIFESTS = 256;
const manifests = new Map<string, PublishedVersion>();
const latest = new Map<string, { version: string; readAt: number }>();
const latestReads = new Map<string, Promise<string>>();
const withdrawals = new Map<string, { withdrawals: Withdrawals; readAt: number }>();

/** Read access to the models bucket, with the per-isolate caches that make it cheap. */
export class ModelStore {
  constructor(
    private readonly bucket: R2Bucket,
    private readonly latestTtlMs: number,
  ) {}

  /**
   * The version devices are offered: the one latest.json points at, unless it was withdrawn, then
   * the newest published version that was not. A 404 names an unknown model; a 410 says every
   * version is withdrawn.
   */
  async latestVersion(name: string): Promise<string> {
    const cached = latest.get(name);
    if (cached && Date.now() - cached.readAt < this.latestTtlMs) return cached.version;
    // Requests that find the pointer stale together share one read instead of each reading R2.
    let reading = latestReads.get(name);
    if (reading === undefined) {
      reading = this.#readLatest(name).finally(() => latestReads.delete(name));
      latestReads.set(name, reading);
    }
    return reading;
  }

  async #readLatest(name: string): Promise<string> {
    const now = Date.now();
    const object = await this.bucket.get(latestKey(name));
    const pointer = object ? parseLatestPointer(await object.text())?.version : undefined;
    if (pointer === undefined) throw notFound(`No model named "${name}" is published; GET /v1/models lists the models.`);
    const version = (await this.withdrawals(name)).has(pointer) ? await this.#newestServable(name) : pointer;
    latest.set(name, { version, readAt: now });
    return version;
  }

  /** The withdrawn versions of a model (cached per isolate as long as the latest pointer). */
  async withdrawals(name: string): Promise<Withdrawals> {
    const now = Date.now();
    const cached = withdrawals.get(name);
    if (cached && now - cached.readAt < this.latestTtlMs) return cached.withdrawals;
    const object = await this.bucket.get(withdrawnKey(name));
    let read: Withdrawals = new Map();
    if (object) {
      try {
        read = parseWithdrawals(await object.text());
      } catch (cause) {
        if (!(cause instanceof WithdrawalRecordError)) throw cause;
        // Read wrongly, it could offer a withdrawn version again: refuse to guess.
        throw new ApiError(500, ErrorCodes.MANIFEST_INVALID, `The withdrawal record of "${name}" is invalid (${cause.message}); fix or delete models/${name}/withdrawn.json.`, { cause });
      }
    }
    withdrawals.set(name, { withdrawals: read, readAt: now });
    return read;
  }

  /** The newest published version not withdrawn, or a 410 when there is none. */
  async #newestServable(name: string): Promise<string> {
    const withdrawn = await this.withdrawals(name);
    for (const version of (await this.#versionNames(name)).sort(compareVersions).reverse()) {
      if (withdrawn.has(version)) continue;
      if (await this.version(name, version).catch(() => undefined)) return version;
    }
    throw new ApiError(410, ErrorCodes.VERSION_WITHDRAWN, `Every published version of "${name}" is withdrawn; publish a new version.`);
  }

  /** A published version's manifest, or a 404 naming the model and version. */
  async version(name: string, version: string): Promise<PublishedVersion> {
    const key = fileKey(name, version, MANIFEST_FILE);
    const cached = manifests.get(key);
    if (cached) return cached;
    const object = await this.bucket.get(key);
    if (!object) {
      const known = (await this.bucket.head(latestKey(name))) !== null;
      throw notFound(
        known
          ? `Model "${name}" has no published version "${version}"; GET /v1/models lists its versions.`
          : `No model named "${name}" is published; GET /v1/models lists the models.`,
      );
    }
    const manifestBytes = new Uint8Array(await object.arrayBuffer());
    let manifest: Manifest;
    try {
      manifest = parseManifest(JSON.parse(new TextDecoder().decode(manifestBytes)));
    } catch (cause) {
      const problem = cause instanceof ManifestError ? cause.message : 'not JSON';
      throw new ApiError(500, ErrorCodes.MANIFEST_INVALID, `The stored manifest of ${name}@${version} is invalid (${problem}); re-publish it.`, { cause });
    }
    if (manifest.name !== name || manifest.version !== version) {
      throw new ApiError(500, ErrorCodes.MANIFEST_INVALID, `The manifest stored as ${name}@${version} describes ${manifest.name}@${manifest.version}; re-publish it.`);
    }
    const published = { manifest, manifestBytes, manifestSha256: await sha256Hex(manifestBytes) };
    if (manifests.size >= MAX_CACHED_MANIFESTS) manifests.delete(manifests.keys().next().value!);
    manifests.set(key, published);
    return published;
  }

  /** Every published model with all of its versions, newest first. */
  async listModels(): Promise<ModelSummary[]> {
    const names = (await this.listPrefixes(MODELS_PREFIX)).map((prefix) => prefix.slice(MODELS_PREFIX.length, -1));
    const models = await Promise.all(names.map((name) => this.summarize(name)));
    return models.filter((model): model is ModelSummary => model !== undefined).sort((a, b) => a.name.localeCompare(b.name));
  }

  private async summarize(name: string): Promise<ModelSummary | undefined> {
    let latestVersion: string;
    try {
      latestVersion = await this.latestVersion(name);
    } catch {
      return undefined; // files uploaded, nothing published yet
    }
    const withdrawn = await this.withdrawals(name);
    const versions: VersionSummary[] = [];
    for (const version of (await this.#versionNames(name)).sort(compareVersions).reverse()) {
      const published = await this.version(name, version).catch(() => undefined);
      if (!published) continue; // a version whose manifest is not written yet is not published
      const { manifest } = published;
      versions.push({
        version,
        createdAt: manifest.createdAt,
        accuracy: manifest.testAccuracy.value,
        bytes: Object.values(manifest.files).reduce((sum, file) => sum + file.bytes, 0),
        manifestUrl: `/v1/models/${name}/${version}/${MANIFEST_FILE}`,
        ...(withdrawn.has(version) ? { withdrawn: withdrawn.get(version)! } : {}),
      });
    }
    return { name, latest: latestVersion, versions };
  }

  async #versionNames(name: string): Promise<string[]> {
    return (await this.listPrefixes(modelPrefix(name))).map((prefix) => prefix.slice(modelPrefix(name).length, -1)).filter(isVersion);
  }

  private async listPrefixes(prefix: string): Promise<string[]> {
    const prefixes: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.bucket.list({ prefix, delimiter: '/', ...(cursor ? { cursor } : {}) });
      prefixes.push(...page.delimitedPrefixes);
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor);
    return prefixes;
  }
}
