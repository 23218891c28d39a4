import { MAX_SAMPLES_PER_REQUEST, type SamplesResponse } from '../../sdk/src/samples/sample-wire.ts';
import { PIXELS, type MnistSplit } from '../data/mnist.ts';

/**
 * POSTs labelled images to the edge's /v1/samples with an app key, 256 per request. Ids are
 * `${idPrefix}-${index}`, so uploading the same set again stores nothing twice.
 */
export async function uploadSamples(edge: string, appKey: string, model: string, samples: MnistSplit, idPrefix: string): Promise<{ accepted: number; duplicates: number }> {
  let accepted = 0;
  let duplicates = 0;
  for (let start = 0; start < samples.count; start += MAX_SAMPLES_PER_REQUEST) {
    const end = Math.min(samples.count, start + MAX_SAMPLES_PER_REQUEST);
    const batch = [];
    for (let i = start; i < end; i++) {
      batch.push({
        id: `${idPrefix}-${String(i).padStart(8, '0')}`,
        model,
        label: String(samples.labels[i]),
        pixels: Buffer.from(samples.images.subarray(i * PIXELS, (i + 1) * PIXELS)).toString('base64'),
      });
    }
    const response = await fetch(new URL('/v1/samples', edge), {
      method: 'POST',
      headers: { Authorization: `Bearer ${appKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ samples: batch }),
    });
    if (!response.ok) throw new Error(`POST /v1/samples answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
    const answer = (await response.json()) as SamplesResponse;
    if (answer.rejected.length > 0) throw new Error(`the edge rejected ${answer.rejected.length} samples, e.g. ${answer.rejected[0]!.reason}`);
    accepted += answer.accepted;
    duplicates += answer.duplicates;
  }
  return { accepted, duplicates };
}
