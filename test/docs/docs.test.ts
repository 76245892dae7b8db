/**
 * Every command and code block of README.md and docs/ runs as written, or names the test that
 * runs it. Each fenced block carries a note just above it:
 *
 *   <!-- docs: run -->                                  run here, in order, in an empty folder
 *   <!-- docs: covered by test/x.test.ts "a test" -->   those tests run it (`; ` between several);
 *                                                        each must exist
 *   <!-- docs: trust-list -->                           a document the format's parser accepts
 *   <!-- docs: verifier-registry -->                    the same, for a verifier registry
 *   <!-- docs: output -->   <!-- docs: example -->      what a command prints; an input to copy
 *   <!-- docs: usage -->    <!-- docs: config -->       a synopsis; a configuration file
 *   <!-- docs: diagram -->                              a picture
 *   <!-- docs: long-running -->                         `pnpm bench` and the like: minutes of
 *                                                        measurement, which belongs in no test
 *
 * ```ts blocks need no note: they are all type-checked against the workspace packages. On top
 * of that, every `sanad …` line anywhere — run or not, in usage and in a unit's ExecStart — is
 * checked against the real command tree, every `npx --yes pnpm@… <script>` must name the
 * pinned pnpm and a script that exists, and JSON parses.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTrustList, parseVerifierRegistry } from '@sanad/core';
import { createProgram } from '@sanad/cli';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { type CodeBlock, codeBlocks, shellCommands } from '../support/markdown.js';
import { commandLineProblem, sanadArguments } from './command-lines.js';
import { patient } from '../support/patience.js';
import { sanadOnPath } from '../support/sanad-process.js';

const root = join(import.meta.dirname, '..', '..');
const pages = [
  'README.md',
  'DEVELOPERS.md',
  'SECURITY.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const blocks: CodeBlock[] = pages.flatMap((page) =>
  codeBlocks(page, readFileSync(join(root, page), 'utf8')),
);
const SHELL = new Set(['sh', 'bash', 'shell']);
const where = (b: CodeBlock): string => `${b.file}:${b.line}`;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  packageManager: string;
  scripts: Record<string, string>;
};

const work = mkdtempSync(join(tmpdir(), 'sanad-docs-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Type-checks `sources` (path -> text, virtual files placed inside the repository) and returns the diagnostics. */
function typeCheck(sources: Map<string, string>): string[] {
  const config = ts.readConfigFile(join(root, 'tsconfig.base.json'), ts.sys.readFile);
  const { options, errors } = ts.convertCompilerOptionsFromJson(
    config.config.compilerOptions,
    root,
  );
  expect(errors).toEqual([]);
  const compilerOptions: ts.CompilerOptions = {
    ...options,
    noEmit: true,
    types: ['node'],
    declaration: false,
    declarationMap: false,
    sourceMap: false,
  };
  const host = ts.createCompilerHost(compilerOptions);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (file) => sources.has(file) || fileExists(file);
  host.readFile = (file) => sources.get(file) ?? readFile(file);
  host.getSourceFile = (file, language, onError, create) => {
    const text = sources.get(file);
    return text === undefined
      ? getSourceFile(file, language, onError, create)
      : ts.createSourceFile(file, text, language, true);
  };
  const program = ts.createProgram([...sources.keys()], compilerOptions, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const at = d.file
      ? `${d.file.fileName.slice(root.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: `
      : '';
    return `${at}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

describe('documentation blocks', () => {
  it(
    'every ```ts block compiles as written against the workspace packages (imports, defined names, strict types)',
    () => {
      // Beside the page, so that @sanad/* resolve as for any file of the workspace; one module per block.
      const sources = new Map(
        blocks
          .filter((b) => b.lang === 'ts')
          .map((b) => [join(root, `${b.file}.line-${b.line}.ts`), b.code]),
      );
      expect(sources.size).toBeGreaterThan(0);
      expect(typeCheck(sources)).toEqual([]);
    },
    patient(120_000),
  );

  it('every block says how it is checked', () => {
    const known =
      /^(run|output|example|usage|config|diagram|long-running|trust-list|verifier-registry|covered by \S+ ".+")$/;
    const unchecked = blocks
      .filter((b) => (b.lang !== 'ts' || b.note !== undefined) && !known.test(b.note ?? ''))
      .map((b) => `${where(b)}: ${b.note ?? 'no note'}`);
    expect(unchecked).toEqual([]);
  });

  it('only commands that take minutes are left to be run by hand', () => {
    const problems = blocks
      .filter((b) => b.note === 'long-running')
      .flatMap((b) =>
        shellCommands(b.code)
          .filter(
            (w) =>
              !(
                w[0] === 'npx' &&
                /^pnpm@/.test(w[2] ?? '') &&
                ['bench', 'bench:cli', 'bench:load', 'bench:web', 'fuzz'].includes(w[3] ?? '')
              ),
          )
          .map((w) => `${where(b)}: ${w.join(' ')}`),
      );
    expect(problems).toEqual([]);
  });

  it('every test a block names exists', () => {
    const missing = blocks
      .filter((b) => b.note?.startsWith('covered by '))
      .flatMap((b) =>
        [...b.note!.slice('covered by '.length).matchAll(/(\S+) "([^"]+)"/g)]
          .filter(([, file, name]) => {
            try {
              return !readFileSync(join(root, file!), 'utf8').includes(name!);
            } catch {
              return true;
            }
          })
          .map(([ref]) => `${where(b)}: ${ref}`),
      );
    expect(missing).toEqual([]);
  });

  it('every sanad command line is one the CLI takes, and every pnpm command names the pinned pnpm and a real script', async () => {
    const program = await createProgram();
    const problems: string[] = [];
    for (const b of blocks) {
      const lines = SHELL.has(b.lang)
        ? shellCommands(b.code)
        : b.lang === 'ini'
          ? b.code
              .split('\n')
              .filter((l) => l.startsWith('ExecStart='))
              .map((l) => shellCommands(l.slice('ExecStart='.length))[0]!)
          : [];
      for (const words of lines) {
        const args = sanadArguments(words);
        const problem = args && commandLineProblem(program, args);
        if (problem) problems.push(`${where(b)}: sanad ${args!.join(' ')}: ${problem}`);
        const pnpm = words.findIndex((w) => /^pnpm(@|$)/.test(w));
        if (
          pnpm >= 0 &&
          words[pnpm - 1] !== 'install' &&
          (words[0] === 'npx' || words[0] === 'pnpm')
        ) {
          if (words[pnpm] !== 'pnpm' && words[pnpm] !== pkg.packageManager)
            problems.push(`${where(b)}: ${words[pnpm]} is not the pinned ${pkg.packageManager}`);
          const script = words[pnpm + 1];
          const builtins = new Set([
            'install',
            'exec',
            'dlx',
            'add',
            'audit',
            '--filter',
            '--silent',
            'link',
          ]);
          if (script && !builtins.has(script) && !(script in pkg.scripts))
            problems.push(`${where(b)}: pnpm ${script} is no script of package.json`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('every JSON block parses, and documents of a known format are accepted by its parser', () => {
    const problems: string[] = [];
    for (const b of blocks.filter((x) => x.lang === 'json')) {
      let value: unknown;
      try {
        value = JSON.parse(b.code);
      } catch (err) {
        problems.push(`${where(b)}: ${(err as Error).message}`);
        continue;
      }
      const parse =
        b.note === 'trust-list'
          ? parseTrustList
          : b.note === 'verifier-registry'
            ? parseVerifierRegistry
            : undefined;
      if (parse) {
        try {
          parse(value);
        } catch (err) {
          problems.push(`${where(b)}: ${(err as Error).message}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('documentation that runs', () => {
  const runnable = pages.filter((page) => blocks.some((b) => b.file === page && b.note === 'run'));

  it.each(runnable)(
    '%s: its shell blocks run as written, in order, in an empty folder',
    (page) => {
      const bin = sanadOnPath(work);
      const folder = join(work, page.replace(/\W+/g, '-'));
      mkdirSync(folder, { recursive: true });
      // As in a checkout: the examples the pages name are at hand.
      symlinkSync(join(root, 'examples'), join(folder, 'examples'));
      for (const b of blocks.filter((x) => x.file === page && x.note === 'run')) {
        const run = spawnSync('bash', ['-euo', 'pipefail', '-c', b.code], {
          cwd: folder,
          encoding: 'utf8',
          input: '',
          // The passphrase a person would type at the prompt.
          env: {
            ...process.env,
            PATH: `${bin}:${process.env.PATH}`,
            HOME: folder,
            SANAD_WALLET_PASSPHRASE: 'a passphrase typed at the prompt',
            SANAD_OPERATOR_TOKEN: '',
          },
        });
        expect({
          block: where(b),
          status: run.status,
          stderr: run.status === 0 ? '' : run.stderr,
        }).toEqual({ block: where(b), status: 0, stderr: '' });
      }
    },
    patient(300_000),
  );
});
