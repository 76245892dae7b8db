/**
 * An issuer folder's BBS key (bbs-key.json): added once, recorded in the register, loaded with
 * the folder, and every way it can go wrong refused with its code rather than issuing with the
 * wrong key or orphaning the status lists of the credentials it signed.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  addFolderBbsKey,
  BBS_KEY_FILE,
  generateBbsIssuerKey,
  initIssuerFolder,
  openIssuerFolder,
  refugeeStatusType,
} from '@sanad/issuer';
import { afterAll, describe, expect, it } from 'vitest';
import { amal, makeHolder } from './support/fixtures.js';

const work = mkdtempSync(join(tmpdir(), 'sanad-bbs-key-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const types = [refugeeStatusType];
let n = 0;
const folder = async (bbs: boolean) => {
  const dir = join(work, `agency-${++n}`);
  await initIssuerFolder(dir, { statusBaseUrl: `https://status.example/${n}`, bbs });
  return dir;
};

describe('an issuer folder with a BBS key', () => {
  it('init --bbs: the key file is owner-only, the register records its identifier, the folder issues with it', async () => {
    const dir = await folder(true);
    expect(statSync(join(dir, BBS_KEY_FILE)).mode & 0o777).toBe(0o600);
    const opened = await openIssuerFolder(dir, { types });
    try {
      expect(opened.settings.bbsIssuerId).toMatch(/^did:key:zUC7/);
      expect(opened.issuer.bbsIssuerId).toBe(opened.settings.bbsIssuerId);
      const { did, jwk } = await makeHolder();
      const { bundle } = await opened.issuer.issue({
        type: 'refugee-status',
        format: 'ldp_vc',
        cryptosuite: 'bbs-2023',
        claims: amal,
        holders: [{ did, jwk }],
      });
      expect(JSON.parse(bundle.credentials[0]!).issuer).toBe(opened.settings.bbsIssuerId);
    } finally {
      await opened.close();
    }
  });

  it('added to an existing folder once; a second one is refused', async () => {
    const dir = await folder(false);
    const { issuerId } = await addFolderBbsKey(dir, { types });
    const opened = await openIssuerFolder(dir, { types });
    expect(opened.issuer.bbsIssuerId).toBe(issuerId);
    await opened.close();
    await expect(addFolderBbsKey(dir, { types })).rejects.toMatchObject({
      code: 'ERR_ISSUER_ALREADY_INITIALIZED',
    });
  });

  it('a missing key file is not replaced by a new key (its lists would be orphaned)', async () => {
    const dir = await folder(true);
    unlinkSync(join(dir, BBS_KEY_FILE));
    await expect(addFolderBbsKey(dir, { types })).rejects.toMatchObject({
      code: 'ERR_ISSUER_KEY_MISMATCH',
    });
    // The folder still opens for its other formats, and says why bbs-2023 cannot be issued.
    const opened = await openIssuerFolder(dir, { types });
    const { did, jwk } = await makeHolder();
    await expect(
      opened.issuer.issue({
        type: 'refugee-status',
        format: 'ldp_vc',
        cryptosuite: 'bbs-2023',
        claims: amal,
        holders: [{ did, jwk }],
      }),
    ).rejects.toMatchObject({ code: 'ERR_BBS_KEY_MISSING' });
    await opened.close();
  });

  it("another BBS key's file in the folder is refused on open, and a damaged one is a typed error", async () => {
    const dir = await folder(true);
    const other = await generateBbsIssuerKey();
    const original = readFileSync(join(dir, BBS_KEY_FILE), 'utf8');
    writeFileSync(join(dir, BBS_KEY_FILE), JSON.stringify(other.file));
    await expect(openIssuerFolder(dir, { types })).rejects.toMatchObject({
      code: 'ERR_ISSUER_KEY_MISMATCH',
    });
    writeFileSync(join(dir, BBS_KEY_FILE), '{"type":"sanad-bbs-key"}');
    await expect(openIssuerFolder(dir, { types })).rejects.toMatchObject({
      code: 'ERR_INVALID_KEY',
    });
    writeFileSync(join(dir, BBS_KEY_FILE), original);
    await (await openIssuerFolder(dir, { types })).close();
  });
});

describe('a register from before status lists recorded their key', () => {
  it('never puts a BBS credential in a list with no key recorded (the register key signs those)', async () => {
    const dir = await folder(true);
    // A bitstring list as registers made before Sanad 0.2 have it: no issuer_id.
    const db = new Database(join(dir, 'issuer.sqlite'));
    db.prepare(
      "INSERT INTO status_lists (kind, size, issuer_id) VALUES ('bitstring', 131072, NULL)",
    ).run();
    db.close();
    const opened = await openIssuerFolder(dir, { types });
    try {
      const issue = async (cryptosuite?: 'bbs-2023') => {
        const { did, jwk } = await makeHolder();
        const { records } = await opened.issuer.issue({
          type: 'refugee-status',
          format: 'ldp_vc',
          ...(cryptosuite ? { cryptosuite } : {}),
          claims: amal,
          holders: [{ did, jwk }],
        });
        return records[0]!.listId;
      };
      const legacy = await issue(); // the register key takes up its old list
      const bbsList = await issue('bbs-2023');
      expect(bbsList).not.toBe(legacy);
      const lists = await opened.store.statusLists();
      expect(lists.find((l) => l.id === bbsList)?.issuerId).toBe(opened.settings.bbsIssuerId);
    } finally {
      await opened.close();
    }
  });
});
