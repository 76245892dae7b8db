/**
 * The drive journal after a power cut: only the record being written can be torn (each is
 * fsynced before any line it names is issued), so a torn last record is cut and nothing else is
 * ever guessed. Real files.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createJournal, type DriveHeader, readJournal, reopenJournal } from './journal.js';
import { summarizeResults } from './results-file.js';

const work = mkdtempSync(join(tmpdir(), 'sanad-journal-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const header: DriveHeader = {
  type: 'sanad-drive-journal',
  version: 1,
  input: { sha256: 'ab'.repeat(32) },
  credentialType: 'refugee-status',
  format: 'dc+sd-jwt',
  issuer: 'did:key:zExample',
  started: '2026-12-02T00:00:00.000Z',
};

async function journalWith(name: string): Promise<string> {
  const path = join(work, name);
  const writer = await createJournal(path, header);
  await writer.write({
    chunk: [
      [1, 'b1'],
      [3, 'b3'],
    ],
  });
  await writer.close();
  return path;
}

describe('drive journal', () => {
  it('a torn last record is cut, and the journal continues after it', async () => {
    const path = await journalWith('torn.journal');
    const intact = readFileSync(path).length;
    appendFileSync(path, '{"chunk":[[4,"b4"],[5,"b'); // the power went while this was written
    const chosen: Array<[number, string]> = [];
    const contents = await readJournal(path, (line, batchId) => chosen.push([line, batchId]));
    expect(chosen).toEqual([
      [1, 'b1'],
      [3, 'b3'],
    ]);
    expect(contents).toMatchObject({ chosen: 2, intactLength: intact, header });
    const writer = await reopenJournal(path, contents!);
    await writer.write({ chunk: [[4, 'b4']] });
    await writer.close();
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l) as unknown)).toHaveLength(3);
    expect((await readJournal(path))!.chosen).toBe(3);
  });

  it('a damaged record before the last is refused (ERR_BATCH_JOURNAL_INVALID)', async () => {
    const path = await journalWith('damaged.journal');
    writeFileSync(path, readFileSync(path, 'utf8').replace('"chunk"', '"chunk'));
    appendFileSync(path, '{"revoked":["b1"]}\n');
    await expect(readJournal(path)).rejects.toMatchObject({ code: 'ERR_BATCH_JOURNAL_INVALID' });
    writeFileSync(join(work, 'other.journal'), '{"type":"something-else","version":1}\n');
    await expect(readJournal(join(work, 'other.journal'))).rejects.toMatchObject({
      code: 'ERR_BATCH_JOURNAL_INVALID',
    });
  });

  it('a journal whose header was torn reads as none: nothing was issued from it', async () => {
    writeFileSync(join(work, 'header.journal'), JSON.stringify(header).slice(0, 40));
    expect(await readJournal(join(work, 'header.journal'))).toBeUndefined();
    expect(await readJournal(join(work, 'missing.journal'))).toBeUndefined();
  });

  it('a results file is read up to its first torn line', async () => {
    const path = join(work, 'results.jsonl');
    const good = [
      '{"line":1,"batchId":"b1","ids":["c1"],"bundle":{}}',
      '{"line":3,"error":{"code":"ERR_INVALID_JSON","message":"m"}}',
    ]
      .map((l) => `${l}\n`)
      .join('');
    writeFileSync(path, `${good}{"line":4,"batchId":"b4","ids":["c4"],"bun`);
    const summary = await summarizeResults(path);
    expect(summary).toMatchObject({
      issued: 1,
      refused: 1,
      firstRefusedLine: 3,
      intactLength: Buffer.byteLength(good),
    });
    expect([...summary!.byLine]).toEqual([
      [1, 'b1'],
      [3, null],
    ]);
  });
});
