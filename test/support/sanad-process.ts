/**
 * Runs `sanad` as real child processes (from the TypeScript sources, through tsx): for what only
 * a separate process shows — signals, exit codes, several service instances on one database.
 */
import { type ChildProcess, spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const cliArgs = [
  '--conditions=@sanad/source',
  '--import',
  import.meta.resolve('tsx'),
  join(root, 'packages/cli/src/bin.ts'),
];
const children: ChildProcess[] = [];

/**
 * A `bin` folder in `dir` holding a `sanad` script that runs the CLI from its sources, each
 * command its own process: put it first on PATH for shell blocks copied from the docs.
 */
export function sanadOnPath(dir: string): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const quoted = cliArgs.map((a) => `"${a.replace(/^file:\/\//, '')}"`).join(' ');
  writeFileSync(join(bin, 'sanad'), `#!/bin/sh\nexec "${process.execPath}" ${quoted} "$@"\n`, {
    mode: 0o755,
  });
  return bin;
}

export interface ProcessOptions {
  cwd: string;
  env?: Record<string, string>;
}

/** `sanad <args>` to completion, with empty stdin; SANAD_OPERATOR_TOKEN unset unless given. */
export function sanadSync(
  args: string[],
  { cwd, env = {} }: ProcessOptions,
): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [...cliArgs, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, SANAD_OPERATOR_TOKEN: '', ...env },
    input: '',
  });
}

export interface RunningService {
  child: ChildProcess;
  /** The service's `--json` start-up object (`listening`, `base_url`, …). */
  info: Record<string, unknown>;
  stop(): Promise<number | null>;
}

/** Starts `sanad … serve … --json` and resolves once it has printed its start-up object. */
export function startService(
  args: string[],
  { cwd, env = {} }: ProcessOptions,
): Promise<RunningService> {
  const child = spawn(process.execPath, [...cliArgs, ...args, '--json'], {
    cwd,
    env: { ...process.env, ...env },
  });
  children.push(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return exited;
  };
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      try {
        resolve({ child, info: JSON.parse(stdout) as Record<string, unknown>, stop });
      } catch {
        // Wait for the whole object.
      }
    });
    child.once('exit', (code) =>
      reject(new Error(`sanad ${args.join(' ')} exited ${code}: ${stdout}${stderr}`)),
    );
  });
}

/** Kills whatever is still running (for `afterAll`). */
export function killServices(): void {
  for (const c of children.splice(0))
    if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}
