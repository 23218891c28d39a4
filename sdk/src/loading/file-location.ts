import { EdgetuneError, ErrorCodes } from '../errors.ts';

/**
 * Refuses a file URL that does not lie under the manifest's directory on the manifest's origin
 * (scheme, host and port; for file:// the same host). A second line of defence behind the
 * manifest's file-name allow-list, and the only one for a caller's `fileUrl` option.
 */
export function assertUnderManifestDirectory(fileUrl: string, manifestUrl: string, fileName: string): void {
  const directory = new URL('./', manifestUrl);
  const problem = escapeOf(fileUrl, directory);
  if (problem === undefined) return;
  throw new EdgetuneError(
    ErrorCodes.MANIFEST_INVALID,
    `"${fileName}" resolves to ${fileUrl}, ${problem}; a checkpoint's files must sit in or below the manifest's ` +
      `directory ${directory.href}. Re-publish the model with plain file names.`,
  );
}

/** Why `fileUrl` is outside `directory`, or undefined when it is inside. */
function escapeOf(fileUrl: string, directory: URL): string | undefined {
  let file: URL;
  try {
    file = new URL(fileUrl);
  } catch {
    return 'which is not a URL';
  }
  if (file.protocol !== directory.protocol || file.host !== directory.host) return `another origin than ${directory.origin}`;
  if (file.username !== directory.username || file.password !== directory.password) return 'with other credentials';
  if (!file.pathname.startsWith(directory.pathname)) return 'outside that directory';
  // Percent-escapes decode on disk (file://) and on many servers: no escaped separator or dot segment.
  for (const segment of file.pathname.slice(directory.pathname.length).split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return 'with a malformed escape';
    }
    if (decoded === '.' || decoded === '..' || /[/\\]/.test(decoded)) return 'through an escaped path segment';
  }
  return undefined;
}
