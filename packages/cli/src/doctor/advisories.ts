/**
 * The advisories file shipped with each release (`packages/cli/advisories.json`, format in
 * docs/cli.md): known vulnerable versions of the packages Sanad runs on, checked by `sanad doctor`
 * against what is installed.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isPlainObject, SanadError } from '@sanad/core';

export interface Advisory {
  package: string;
  /** Space-separated comparators that all hold (`>=0.19.0 <0.20.0`), alternatives joined by `||`. */
  vulnerable: string;
  id: string;
  fixed_in: string;
}

const COMPARATOR = /^(<=|>=|<|>|=)?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/;

/** Parses and checks an advisories file's text (ERR_CONFIG_INVALID naming the entry that is wrong). */
export function parseAdvisories(text: string, where: string): Advisory[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new SanadError('ERR_INVALID_JSON', `${where} is not valid JSON.`, { cause });
  }
  const list = isPlainObject(json) ? json.advisories : undefined;
  if (!Array.isArray(list))
    throw new SanadError('ERR_CONFIG_INVALID', `${where} has no "advisories" list.`);
  return list.map((entry: unknown, i) => {
    const fields = ['package', 'vulnerable', 'id', 'fixed_in'] as const;
    if (
      !isPlainObject(entry) ||
      fields.some((f) => typeof entry[f] !== 'string' || entry[f] === '')
    ) {
      throw new SanadError(
        'ERR_CONFIG_INVALID',
        `${where}: advisory ${i} needs the strings ${fields.join(', ')}.`,
      );
    }
    const advisory = entry as unknown as Advisory;
    const comparators = advisory.vulnerable.split('||').flatMap((part) => part.trim().split(/\s+/));
    if (comparators.some((c) => !COMPARATOR.test(c)))
      throw new SanadError(
        'ERR_CONFIG_INVALID',
        `${where}: advisory ${i} has a vulnerable range that is not understood.`,
      );
    return advisory;
  });
}

type Version = [number, number, number, string | undefined];

function parseVersion(text: string): Version | undefined {
  const m = COMPARATOR.exec(text);
  return m && m[1] === undefined ? [Number(m[2]), Number(m[3]), Number(m[4]), m[5]] : undefined;
}

/** Semantic-version order; a pre-release comes before its release. */
function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i += 1) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  if (a[3] === b[3]) return 0;
  if (a[3] === undefined) return 1;
  if (b[3] === undefined) return -1;
  return a[3] < b[3] ? -1 : 1;
}

/** Whether `version` lies in `range` (the advisories' range syntax). */
export function inRange(version: string, range: string): boolean {
  const v = parseVersion(version);
  if (!v) return false;
  return range.split('||').some((part) =>
    part
      .trim()
      .split(/\s+/)
      .every((comparator) => {
        const [, op = '=', ...rest] = COMPARATOR.exec(comparator)!;
        const order = compare(v, [Number(rest[0]), Number(rest[1]), Number(rest[2]), rest[3]]);
        return op === '<'
          ? order < 0
          : op === '<='
            ? order <= 0
            : op === '>'
              ? order > 0
              : op === '>='
                ? order >= 0
                : order === 0;
      }),
  );
}

/**
 * Every installed version of `name` that the packages under `roots` can load: each root's
 * `node_modules` and those of its parent folders, as Node looks them up, and every copy in a
 * pnpm store there (`node_modules/.pnpm/<name>@<version>`), where dependencies of dependencies live.
 */
export function installedVersions(name: string, roots: readonly string[]): string[] {
  const versions = new Set<string>();
  const storePrefix = `${name.replace('/', '+')}@`;
  for (const root of roots) {
    let found = false;
    for (let dir = root; ; dir = dirname(dir)) {
      const manifest = join(dir, 'node_modules', name, 'package.json');
      if (!found && existsSync(manifest)) {
        const version = (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: unknown })
          .version;
        if (typeof version === 'string') versions.add(version);
        found = true;
      }
      const store = join(dir, 'node_modules', '.pnpm');
      if (existsSync(store)) {
        // `<name>@<version>` or `<name>@<version>_<peers>`.
        for (const entry of readdirSync(store))
          if (entry.startsWith(storePrefix))
            versions.add(entry.slice(storePrefix.length).split('_')[0]!);
      }
      if (dirname(dir) === dir) break;
    }
  }
  return [...versions].sort();
}
