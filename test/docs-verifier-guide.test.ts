/**
 * Issue 14, why 8: the library examples of docs/verifier-guide.md compile as written. Every
 * ```ts block is type-checked, as its own module, against the workspace packages (strict, the
 * repository's compiler options); `test/install/verifier-outside-repo.test.ts` runs them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { codeBlocks } from './support/markdown.js';

const root = join(import.meta.dirname, '..');

/** Type-checks `sources` (path -> text, virtual files placed inside the repository) and returns the diagnostics. */
function typeCheck(sources: Map<string, string>): string[] {
  const config = ts.readConfigFile(join(root, 'tsconfig.base.json'), ts.sys.readFile);
  const { options, errors } = ts.convertCompilerOptionsFromJson(config.config.compilerOptions, root);
  expect(errors).toEqual([]);
  const compilerOptions: ts.CompilerOptions = { ...options, noEmit: true, types: ['node'], declaration: false, declarationMap: false, sourceMap: false };
  const host = ts.createCompilerHost(compilerOptions);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (file) => sources.has(file) || fileExists(file);
  host.readFile = (file) => sources.get(file) ?? readFile(file);
  host.getSourceFile = (file, language, onError, create) => {
    const text = sources.get(file);
    return text === undefined ? getSourceFile(file, language, onError, create) : ts.createSourceFile(file, text, language, true);
  };
  const program = ts.createProgram([...sources.keys()], compilerOptions, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${d.file.fileName.slice(root.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ` : '';
    return `${where}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

describe('docs/verifier-guide.md', () => {
  it('every ```ts block compiles as written against the workspace packages (imports, defined names, strict types)', () => {
    const blocks = codeBlocks(readFileSync(join(root, 'docs/verifier-guide.md'), 'utf8'), 'ts');
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    // Beside the guide, so that @sanad/* resolve as they do for any file of the workspace.
    const sources = new Map(blocks.map((code, i) => [join(root, 'docs', `verifier-guide.block-${i + 1}.ts`), code]));
    expect(typeCheck(sources)).toEqual([]);
  }, 120_000);
});
