/**
 * The sandbox with the web apps: the wallet on its own loopback origin (its CSP lets it reach
 * the sandbox services and nothing else over http), the desk on the verifier, and a revocation
 * that the verifier sees at once.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseStatusListJwt } from '@sanad/core';
import { type Sandbox, startSandbox } from '@sanad/server';
import { createMemoryStorage, createWallet } from '@sanad/wallet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOW_COST_WALLET } from './support/fixtures.js';
import { loopbackFetch as fetch } from './support/services.js';

const work = mkdtempSync(join(tmpdir(), 'sanad-sandbox-'));
let sandbox: Sandbox;

function builtApp(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'index.html'), `<!doctype html><title>${name}</title>`);
  return dir;
}

beforeAll(async () => {
  sandbox = await startSandbox({
    dataDir: join(work, 'data'),
    port: 0,
    walletDir: builtApp('wallet'),
    deskDir: builtApp('desk'),
  });
});
afterAll(async () => {
  await sandbox.close();
  rmSync(work, { recursive: true, force: true });
});

describe('sanad sandbox with the web apps', () => {
  it('serves the web wallet on a third origin whose pages may reach the sandbox services', async () => {
    expect(sandbox.walletUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(new Set([sandbox.walletUrl, sandbox.issuerUrl, sandbox.verifierUrl]).size).toBe(3);
    const page = await fetch(`${sandbox.walletUrl}/`);
    expect(await page.text()).toContain('<title>wallet</title>');
    expect(page.headers.get('content-security-policy')).toContain(
      `connect-src 'self' https: ${sandbox.issuerUrl} ${sandbox.verifierUrl};`,
    );
  });

  it('serves the desk on the verifier', async () => {
    expect(sandbox.deskUrl).toBe(`${sandbox.verifierUrl}/desk/`);
    expect(await (await fetch(sandbox.deskUrl!)).text()).toContain('<title>desk</title>');
  });

  it('revokes what an offer issued, and the verifier sees it at once  [draft-ietf-oauth-status-list section 8]', async () => {
    const wallet = await createWallet(
      createMemoryStorage(),
      'correct horse battery staple',
      LOW_COST_WALLET,
    );
    await wallet.receive(sandbox.offer.offerUri, {
      fetch,
      txCode: async () => sandbox.offer.txCode!,
      copies: 2,
    });
    const present = async () => {
      const session = await sandbox.verifier.createSession({ preset: 'over-18', offline: true });
      const opened = await wallet.openRequest(session.authorizationRequest, { fetch });
      const response = await wallet.present(
        wallet.decide(wallet.propose(opened.request), { approve: true }),
      );
      return sandbox.verifier.answerOffline(
        session.sessionId,
        Object.values(response.vp_token).flat()[0]!,
      );
    };
    expect((await present()).outcome).toBe('valid');
    expect(await sandbox.revoke(sandbox.offer.offerId)).toBe(2);
    await expect(present()).rejects.toMatchObject({ code: 'ERR_STATUS_REVOKED' });
    await expect(sandbox.revoke('no-such-credential')).rejects.toMatchObject({
      code: 'ERR_CREDENTIAL_NOT_FOUND',
    });
  });

  it('publishes its Token Status List with a positive ttl, as a spec-following verifier reads it  [draft-ietf-oauth-status-list section 5.1]', async () => {
    const listed = await fetch(`${sandbox.issuerUrl}/operator/status-lists`, {
      headers: { authorization: `Bearer ${sandbox.operatorToken}` },
    });
    const { lists } = (await listed.json()) as { lists: Array<{ kind: string; uri: string }> };
    const uri = lists.find((l) => l.kind === 'token')!.uri;
    const published = await fetch(uri, { headers: { accept: 'application/statuslist+jwt' } });
    expect(published.headers.get('content-type')).toContain('application/statuslist+jwt');
    const { ttl } = parseStatusListJwt(await published.text());
    expect(Number.isInteger(ttl) && ttl! > 0).toBe(true);
  });
});
