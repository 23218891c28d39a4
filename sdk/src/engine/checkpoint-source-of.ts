import type { CheckpointSource } from '../loading/checkpoint-source.ts';
import type { SourceRequest } from './engine-protocol.ts';

/** Maps the caller's resolved source onto what the loader accepts (a URL or path, or an in-memory manifest). */
export function checkpointSourceOf(source: SourceRequest): CheckpointSource {
  switch (source.kind) {
    case 'url':
      return source.url;
    case 'directory':
      return source.path;
    case 'manifest':
      return { manifest: source.manifest, baseUrl: source.baseUrl };
  }
}
