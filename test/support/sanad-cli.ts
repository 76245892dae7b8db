/** Runs the `sanad` CLI in this process (its `main`), capturing what it prints. */
import { main } from '@sanad/cli';

export interface SanadRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `sanad <args>`; environment variables in `env` are set for the run only. */
export async function runSanad(args: string[], env: Record<string, string> = {}): Promise<SanadRun> {
  const out: string[] = [];
  const err: string[] = [];
  const { write: writeOut } = process.stdout;
  const { write: writeErr } = process.stderr;
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  process.stdout.write = ((chunk: string | Uint8Array) => out.push(String(chunk)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => err.push(String(chunk)) > 0) as typeof process.stderr.write;
  Object.assign(process.env, env);
  process.exitCode = undefined;
  try {
    const code = await main(['node', 'sanad', ...args]);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    process.exitCode = undefined;
  }
}
