/** Where the uploader page puts its controls once its module has loaded. */
export const UPLOADER_PAGE_GLOBAL = 'edgetuneUploaderPage';

/** What the page's uploader reported through its events since the page loaded. Plain data. */
export interface UploaderPageLog {
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: number;
  /** How many `online` events the page saw. */
  readonly online: number;
  /** Codes of failed automatic flushes (`error` events). */
  readonly errors: readonly string[];
}

export type FlushOutcome = { readonly accepted: number; readonly duplicates: number; readonly rejected: number } | { readonly error: string };

/** The page's controls; everything crosses page.evaluate as JSON. */
export interface UploaderPage {
  /** Queues images (784 bytes 0-255 each, concatenated) with their labels; resolves with the ids. */
  add(images: readonly number[], labels: readonly string[]): Promise<string[]>;
  flush(): Promise<FlushOutcome>;
  pending(): Promise<number>;
  log(): UploaderPageLog;
}
