import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ModelFile } from './model-file.ts';

/** Headers every model response carries, whole or faulty, so COEP pages may load it. */
export function setModelHeaders(res: ServerResponse, file: ModelFile, byteLength: number): void {
  res.setHeader('Content-Type', file.contentType);
  res.setHeader('Content-Length', String(byteLength));
  res.setHeader('ETag', file.etag);
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

/** Sends the file, honouring HEAD and If-None-Match. */
export function sendModelFile(req: IncomingMessage, res: ServerResponse, file: ModelFile): void {
  setModelHeaders(res, file, file.bytes.byteLength);
  if (req.headers['if-none-match'] === file.etag) {
    res.statusCode = 304;
    res.removeHeader('Content-Length');
    res.end();
    return;
  }
  res.statusCode = 200;
  res.end(req.method === 'HEAD' ? undefined : file.bytes);
}

export function sendJsonError(res: ServerResponse, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', String(Buffer.byteLength(body)));
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.end(body);
}
