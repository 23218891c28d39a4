import { ErrorCodes } from '../../../sdk/src/errors.ts';
import type { SampleRejection, SamplesResponse } from '../../../sdk/src/samples/sample-wire.ts';
import { encodeBase64 } from './pixel-codec.ts';
import type { CheckedSample } from './read-samples.ts';
import { INSERT_SAMPLES_SQL, insertRows } from './sample-insert.ts';

/**
 * Stores checked samples idempotently: an id already stored (or earlier in the same request) with
 * the same content is a duplicate, with other content a conflict. Every new sample is written by
 * one INSERT statement, which is atomic: all of them or none. Ids the INSERT skipped as already
 * stored are looked up afterwards, so a batch of new samples takes one D1 query, not two.
 */
export async function storeSamples(db: D1Database, appId: string, samples: readonly CheckedSample[], rejected: SampleRejection[]): Promise<SamplesResponse> {
  let duplicates = 0;
  const conflict = (sample: CheckedSample) =>
    rejected.push({ index: sample.index, id: sample.id, code: ErrorCodes.SAMPLE_CONFLICT, reason: `Sample id ${sample.id} is already stored with different content; send it under a fresh id.` });
  const classify = (sample: CheckedSample, storedHash: string | undefined) => (storedHash === sample.contentHash ? duplicates++ : conflict(sample));

  const firstById = new Map<string, CheckedSample>();
  for (const sample of samples) {
    const first = firstById.get(sample.id);
    if (first) classify(sample, first.contentHash);
    else firstById.set(sample.id, sample);
  }

  let accepted = 0;
  if (firstById.size > 0) {
    // One statement for the whole batch: all rows or none.
    const { results } = await db.prepare(INSERT_SAMPLES_SQL).bind(appId, Date.now(), insertRows([...firstById.values()])).all<{ id: string }>();
    const inserted = new Set(results.map((row) => row.id));
    accepted = inserted.size;
    // Stored before (a retry, or a concurrent request): a duplicate if the content matches.
    const skipped = [...firstById.values()].filter((sample) => !inserted.has(sample.id));
    if (skipped.length > 0) {
      const stored = await storedHashes(db, appId, skipped.map((s) => s.id));
      for (const sample of skipped) classify(sample, stored.get(sample.id));
    }
  }
  rejected.sort((a, b) => a.index - b.index);
  return { accepted, duplicates, rejected };
}

async function storedHashes(db: D1Database, appId: string, ids: readonly string[]): Promise<Map<string, string>> {
  const { results } = await db
    .prepare('SELECT id, content_hash FROM samples WHERE app_id = ? AND id IN (SELECT value FROM json_each(?))')
    .bind(appId, JSON.stringify(ids))
    .all<{ id: string; content_hash: string }>();
  return new Map(results.map((row) => [row.id, row.content_hash]));
}

export interface SampleCount {
  readonly model: string;
  readonly version: string;
  readonly label: string;
  readonly count: number;
}

/** Counts of one app's samples by model, version and label. */
export async function sampleStats(db: D1Database, appId: string): Promise<SampleCount[]> {
  const { results } = await db
    .prepare('SELECT model, version, label, COUNT(*) AS count FROM samples WHERE app_id = ? GROUP BY model, version, label ORDER BY model, version, label')
    .bind(appId)
    .all<SampleCount>();
  return results;
}

export interface ExportedSample {
  readonly seq: number;
  readonly id: string;
  readonly app: string;
  readonly model: string;
  readonly version: string;
  readonly label: string;
  /** base64 of the 784 pixel bytes. */
  readonly pixels: string;
  readonly user: string | null;
  readonly createdAt: string;
}

/** One model's samples with seq > after, in seq order. */
export async function exportPage(db: D1Database, model: string, after: number, limit: number): Promise<ExportedSample[]> {
  const { results } = await db
    .prepare('SELECT seq, id, app_id, model, version, label, pixels, user_hash, created_at FROM samples WHERE model = ? AND seq > ? ORDER BY seq LIMIT ?')
    .bind(model, after, limit)
    .all<{ seq: number; id: string; app_id: string; model: string; version: string; label: string; pixels: ArrayBuffer | number[]; user_hash: string | null; created_at: number }>();
  return results.map((row) => ({
    seq: row.seq,
    id: row.id,
    app: row.app_id,
    model: row.model,
    version: row.version,
    label: row.label,
    pixels: encodeBase64(row.pixels instanceof ArrayBuffer ? new Uint8Array(row.pixels) : Uint8Array.from(row.pixels)),
    user: row.user_hash,
    createdAt: new Date(row.created_at).toISOString(),
  }));
}

/** Deletes one end user's samples of one app; the number deleted. */
export async function eraseUser(db: D1Database, appId: string, userHash: string): Promise<number> {
  const result = await db.prepare('DELETE FROM samples WHERE app_id = ? AND user_hash = ?').bind(appId, userHash).run();
  return result.meta.changes;
}
