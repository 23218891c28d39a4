import { fileURLToPath } from 'node:url';

/** The repository root, whatever directory the bench was started from (dist/ and the page live there). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
