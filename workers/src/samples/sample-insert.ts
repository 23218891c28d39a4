import { encodeHex } from './pixel-codec.ts';

/** What one stored sample row holds beyond its app and time. Pure: no bindings, so the bench can build rows too. */
export interface SampleRow {
  readonly id: string;
  readonly model: string;
  readonly version: string;
  readonly label: string;
  readonly pixels: Uint8Array;
  readonly userHash: string | null;
  /** Over what the client sent, so a retry of the same sample always hashes the same. */
  readonly contentHash: string;
}

/**
 * Inserts the rows of ?3 (insertRows) for app ?1 at time ?2 and answers the ids it inserted; an
 * id the app already stored is skipped. One statement is atomic: all rows or none. D1 binds at
 * most 100 parameters, so the rows travel as one JSON parameter.
 */
export const INSERT_SAMPLES_SQL = `INSERT INTO samples (id, app_id, model, version, label, pixels, user_hash, content_hash, created_at)
  SELECT value ->> 0, ?1, value ->> 1, value ->> 2, value ->> 3, unhex(value ->> 4), value ->> 5, value ->> 6, ?2
  FROM json_each(?3) WHERE true
  ON CONFLICT (app_id, id) DO NOTHING RETURNING id`;

/** The ?3 of INSERT_SAMPLES_SQL: a JSON array of [id, model, version, label, pixels as hex, user hash, content hash]. */
export function insertRows(rows: readonly SampleRow[]): string {
  return JSON.stringify(rows.map((row) => [row.id, row.model, row.version, row.label, encodeHex(row.pixels), row.userHash, row.contentHash]));
}
