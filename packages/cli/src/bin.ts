#!/usr/bin/env node
import { main } from './main.js';

const code = await main(process.argv);
process.exitCode = code;
if (code !== 0) {
  // A failed run ends here, whatever a library left open (a database socket, a timer): a service
  // manager then sees the exit code and restarts, instead of waiting on a process that hangs.
  const flushed = (stream: NodeJS.WriteStream) =>
    new Promise<void>((resolve) => stream.write('', () => resolve()));
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
}
