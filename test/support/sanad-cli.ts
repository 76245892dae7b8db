/** Runs the `sanad` CLI in this process (its `main`), capturing what it prints. */
import { PassThrough } from 'node:stream';
import { main } from '@sanad/cli';

export interface SanadRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /**
   * Run as if at a terminal: standard input is a TTY on which these lines are typed, one each
   * time the CLI writes a question (a prompt ends with "] " or ": "). Without it, stdin is
   * whatever the test runner has (not a terminal).
   */
  terminal?: string[];
}

/** A TTY-like standard input that types the next answer each time a question is shown. */
function fakeTerminal(answers: string[]): {
  stdin: PassThrough & { isTTY: boolean };
  questionShown(text: string): void;
} {
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  return {
    stdin,
    questionShown(text) {
      if (!/[\]:] $/.test(text) || answers.length === 0) return;
      const answer = answers.shift()!;
      setImmediate(() => stdin.write(`${answer}\r`));
    },
  };
}

/** `sanad <args>`; environment variables in `env` are set for the run only. */
export async function runSanad(
  args: string[],
  env: Record<string, string> = {},
  options: RunOptions = {},
): Promise<SanadRun> {
  const out: string[] = [];
  const err: string[] = [];
  const { write: writeOut } = process.stdout;
  const { write: writeErr } = process.stderr;
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const stdinDescriptor = Object.getOwnPropertyDescriptor(process, 'stdin')!;
  const terminal = options.terminal ? fakeTerminal([...options.terminal]) : undefined;
  if (terminal)
    Object.defineProperty(process, 'stdin', {
      configurable: true,
      enumerable: true,
      get: () => terminal.stdin,
    });
  process.stdout.write = ((chunk: string | Uint8Array) =>
    out.push(String(chunk)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    err.push(String(chunk));
    terminal?.questionShown(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  Object.assign(process.env, env);
  process.exitCode = undefined;
  try {
    const code = await main(['node', 'sanad', ...args]);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    if (terminal) {
      Object.defineProperty(process, 'stdin', stdinDescriptor);
      terminal.stdin.destroy();
    }
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    process.exitCode = undefined;
  }
}
