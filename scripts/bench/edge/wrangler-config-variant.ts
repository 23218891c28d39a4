import { readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { REPO_ROOT } from '../repo-root.ts';

/** The product's `[assets]` section, as wrangler.toml declares it. */
export async function productAssetsSection(): Promise<string> {
  const section = tomlSection(await readFile(join(REPO_ROOT, 'wrangler.toml'), 'utf8'), 'assets');
  if (section === undefined) throw new Error('wrangler.toml has no [assets] section');
  return section;
}

export interface ConfigVariant {
  /** Drop the `[assets]` section: the Worker answers every request directly. */
  readonly withoutAssets?: boolean;
  /** Append this `[assets]` section (e.g. the product's) to a config that has none. */
  readonly addAssets?: string;
}

/**
 * Writes `config` with a change into `dir` (a temp dir) and returns its path. Paths in the config
 * (main, migrations, the assets directory) are made absolute, so the copy builds the same Worker.
 */
export async function writeConfigVariant(config: string, dir: string, variant: ConfigVariant): Promise<string> {
  const base = dirname(config);
  let text = (await readFile(config, 'utf8')).replace(
    /^(\s*(?:main|migrations_dir|directory)\s*=\s*)"([^"]+)"/gm,
    (_line, key: string, path: string) => `${key}${JSON.stringify(isAbsolute(path) ? path : resolve(base, path))}`,
  );
  if (variant.withoutAssets) text = withoutSection(text, 'assets');
  if (variant.addAssets !== undefined) {
    const absolute = variant.addAssets.replace(/^(\s*directory\s*=\s*)"([^"]+)"/m, (_line, key: string, path: string) => `${key}${JSON.stringify(resolve(REPO_ROOT, path))}`);
    text = `${text.trimEnd()}\n\n${absolute}\n`;
  }
  const path = join(dir, 'wrangler.toml');
  await writeFile(path, text);
  return path;
}

/** A `[name]` table's text, header included, up to the next table or the end. */
function tomlSection(text: string, name: string): string | undefined {
  const match = new RegExp(`^\\[${name}\\]\\n(?:(?!\\[).*\\n?)*`, 'm').exec(text);
  return match?.[0].trimEnd();
}

function withoutSection(text: string, name: string): string {
  const section = tomlSection(text, name);
  return section === undefined ? text : text.replace(section, '');
}
