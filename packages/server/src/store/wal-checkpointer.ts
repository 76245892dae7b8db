/**
 * Checkpoints an SQLite WAL from a worker thread on a connection of its own, so that copying the
 * log back into the database, with its fsyncs, never runs on the event loop. SQLite's own
 * autocheckpoint runs it inside the commit that crosses 1,000 pages: a stall of several
 * milliseconds for that request and every request queued behind it.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Writes between two checkpoints: about SQLite's 1,000 pages at the service store's 3-4 pages a write. */
export const CHECKPOINT_EVERY_WRITES = 256;

// Evaluated as CommonJS, so it is the same code from source and from dist; no loaders (execArgv).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 5000');
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  // PASSIVE: copies what no reader still needs, never waits for or blocks a writer.
  db.pragma('wal_checkpoint(PASSIVE)');
});
`;

export interface WalCheckpointer {
  /** Counts one write transaction; every {@link CHECKPOINT_EVERY_WRITES}th asks for a checkpoint. */
  wrote(): void;
  /** Stops the worker (after the checkpoint it may be running). */
  close(): Promise<void>;
}

/**
 * Starts checkpointing the WAL of the database file at `path` (the thread starts with the first
 * checkpoint asked for). The caller's connection sets `wal_autocheckpoint = 0`; `onFailure` is
 * told if the worker fails, so that it can give the job back to SQLite.
 *
 * @example
 * ```ts
 * db.pragma('wal_autocheckpoint = 0')
 * const checkpointer = startWalCheckpointer('data/service.sqlite', () => db.pragma('wal_autocheckpoint = 1000'))
 * ```
 */
export function startWalCheckpointer(
  path: string,
  onFailure: (cause: unknown) => void,
): WalCheckpointer {
  let writes = 0;
  let worker: Worker | undefined;
  let exited: Promise<void> = Promise.resolve();
  let failed = false;
  const fail = (cause: unknown): void => {
    if (failed) return;
    failed = true;
    onFailure(cause);
  };
  const start = (): Worker => {
    const started = new Worker(WORKER_SOURCE, {
      eval: true,
      execArgv: [],
      workerData: { path, driver: createRequire(import.meta.url).resolve('better-sqlite3') },
    });
    started.unref();
    started.on('error', fail);
    exited = new Promise((resolve) =>
      started.once('exit', (code) => {
        if (code !== 0) fail(new Error(`The WAL checkpointer stopped (exit code ${code}).`));
        resolve();
      }),
    );
    return started;
  };
  return {
    wrote() {
      writes += 1;
      if (writes % CHECKPOINT_EVERY_WRITES !== 0 || failed) return;
      try {
        worker ??= start();
        worker.postMessage('checkpoint');
      } catch (cause) {
        fail(cause);
      }
    },
    async close() {
      failed = true;
      // Held while it finishes: an unref'd worker alone keeps nothing alive, and a process that
      // awaits it with nothing else to do would end before it does (exit code 13).
      worker?.ref();
      worker?.postMessage('close');
      await exited;
    },
  };
}
