/**
 * Guard: no `String()` on values an attacker can shape. `String({"toString":1})` throws a
 * TypeError, so attacker JSON that reaches it answers 500 or crashes a screen instead of a typed
 * refusal (issue 16: `vp_token={"q":{"toString":1}}`). Code type-checks such values and refuses
 * them; the few `String()` calls left convert numbers or strings the code made itself, and each is
 * listed here with the reason it is safe.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

interface Allowed {
  file: string;
  /** Text of the line the call is on. */
  code: string;
}

const ALLOWED: Allowed[] = [
  // Numbers and strings the code made itself.
  { file: 'packages/cli/src/commands/hand-out.ts', code: 'String(value)' }, // checked: string or number, then normalized
  { file: 'packages/cli/src/commands/hand-out.ts', code: 'String(line)' }, // a line number
  { file: 'packages/core/src/node/files.ts', code: 'String(process.pid)' }, // a process id
  { file: 'packages/core/src/node/postgres-target.ts', code: 'String(to.port)' }, // a port number from a parsed URL
  { file: 'packages/core/src/formats/vc-jwt/index.ts', code: 'String(input.status.index)' }, // a status list index
  { file: 'packages/server/src/http/static-files.ts', code: 'String(body.size)' }, // a file size
  { file: 'packages/verifier-web/src/app.tsx', code: 'String(err)' }, // a value thrown by the desk's own calls
  { file: 'packages/verifier-web/src/screens/waiting.tsx', code: 'String(read)' }, // counts of QR parts read
  { file: 'packages/wallet-web/src/kdf-worker.ts', code: 'String(err)' }, // a failure of the key derivation itself
  { file: 'packages/wallet-web/src/components/claim-value.ts', code: 'String(vars[part])' }, // typed string | number
  { file: 'packages/wallet-web/src/i18n/i18n.ts', code: 'String(vars[name])' }, // the app's own message values
  { file: 'packages/wallet/src/node/file-storage.ts', code: 'String(generation)' }, // a generation counter
  { file: 'packages/wallet/src/vault/recovery-secret.ts', code: 'String((d.codePointAt(0)!' }, // a digit value
  { file: 'packages/server/src/middleware/metrics/index.ts', code: 'String(c.res.status)' }, // an HTTP status number
  { file: 'packages/server/src/middleware/refusal.ts', code: 'String(refusal.retryAfterSeconds)' }, // seconds, a number
];

/** A call `String(…)`, or `String` passed as a function (`.map(String)`). */
const COERCION = /(?<![\w$.])String\s*\(|[(,]\s*String\s*\)/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** The lines of a file with comments blanked (a comment may well say "never String()"). */
function codeLines(text: string): string[] {
  const withoutBlocks = text.replace(/\/\*[\s\S]*?\*\//g, (block) => block.replace(/[^\n]/g, ' '));
  return withoutBlocks.split('\n').map((line) => line.replace(/(^|\s)\/\/.*$/, ''));
}

function coercions(): Array<{ file: string; line: number; text: string }> {
  const packages = join(ROOT, 'packages');
  const found: Array<{ file: string; line: number; text: string }> = [];
  for (const pkg of readdirSync(packages)) {
    let files: string[];
    try {
      files = sourceFiles(join(packages, pkg, 'src'));
    } catch {
      continue; // a package without src/
    }
    for (const path of files) {
      const file = relative(ROOT, path).split('\\').join('/');
      codeLines(readFileSync(path, 'utf8')).forEach((text, i) => {
        if (COERCION.test(text)) found.push({ file, line: i + 1, text: text.trim() });
      });
    }
  }
  return found;
}

describe('no String() on attacker values', () => {
  it('every String() in packages/*/src is on the allow-list of safe uses', () => {
    const hits = coercions();
    expect(hits.length).toBeGreaterThan(0); // the scan reads the sources
    const unexpected = hits.filter(
      (hit) => !ALLOWED.some((a) => a.file === hit.file && hit.text.includes(a.code)),
    );
    expect(unexpected.map((hit) => `${hit.file}:${hit.line}: ${hit.text}`)).toEqual([]);
    // An entry whose call is gone is removed, so the list never vouches for code that is not there.
    const stale = ALLOWED.filter(
      (a) => !hits.some((hit) => a.file === hit.file && hit.text.includes(a.code)),
    );
    expect(stale).toEqual([]);
  });

  it('the scan sees calls, callbacks and nothing in comments', () => {
    const found = (source: string) => codeLines(source).some((line) => COERCION.test(line));
    expect(found('const a = String(x);')).toBe(true);
    expect(found('const a = list.map(String);')).toBe(true);
    expect(found('const a = x.toISOString();')).toBe(false);
    expect(found('const a = fromString(x); // never String(x)')).toBe(false);
    expect(found('/**\n * String() throws on {"toString":1}\n */')).toBe(false);
  });
});
