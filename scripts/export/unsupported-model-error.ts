/** The model uses a layer, configuration or topology the exporter cannot translate. */
export class UnsupportedModelError extends Error {
  readonly code = 'E_EXPORT_UNSUPPORTED';

  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedModelError';
  }
}
