/**
 * The CLI wallet against the sandbox services, all real processes on loopback: receive with a
 * PIN, respond with consent, then an offline check from one QR code with cached lists.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { didKeyFromJwk, generateKeyPair } from '@sanad/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'sanad-cli-protocols-'));
const cliArgs = [
  '--conditions=@sanad/source',
  '--import',
  import.meta.resolve('tsx'),
  join(root, 'packages/cli/src/bin.ts'),
];
const env = { SANAD_WALLET_PASSPHRASE: 'correct horse battery staple' };

function sanad(args: string[], extraEnv: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, [...cliArgs, ...args], {
    cwd: work,
    encoding: 'utf8',
    env: { ...process.env, ...env, ...extraEnv },
    input: '',
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

interface SandboxInfo {
  issuer: string;
  verifier: string;
  offer: { uri: string; tx_code: string; qr_version: number };
  request: { uri: string; session_id: string; qr_version: number };
  verifier_registry: { file: string; authority_key_file: string };
}

let sandbox: ChildProcess;
let info: SandboxInfo;
let sandboxStderr = '';
let sandboxExit: Promise<number | null>;

beforeAll(async () => {
  sandbox = spawn(
    process.execPath,
    [...cliArgs, 'sandbox', '--port', '0', '--data', join(work, 'sandbox-data'), '--json'],
    { cwd: work, env: { ...process.env } },
  );
  sandboxExit = new Promise((resolve) => sandbox.once('exit', (code) => resolve(code)));
  sandbox.stderr!.on('data', (chunk: Buffer) => (sandboxStderr += chunk.toString()));
  let stdout = '';
  info = await new Promise<SandboxInfo>((resolve, reject) => {
    sandbox.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      try {
        resolve(JSON.parse(stdout) as SandboxInfo);
      } catch {
        // Not the whole object yet.
      }
    });
    sandbox.once('exit', () => reject(new Error(`sandbox exited: ${sandboxStderr}`)));
  });
});

afterAll(() => {
  if (sandbox.exitCode === null) sandbox.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

describe('sanad sandbox with the CLI wallet', () => {
  it('prints an offer and a request that fit ordinary QR codes', () => {
    expect(info.offer.uri).toMatch(/^openid-credential-offer:\/\//);
    expect(info.offer.tx_code).toMatch(/^\d{6}$/);
    expect(info.offer.qr_version).toBeLessThanOrEqual(20);
    expect(info.request.uri).toMatch(/^openid4vp:\/\/\?client_id=decentralized_identifier/);
    expect(info.request.qr_version).toBeLessThanOrEqual(15);
  });

  it('receives with the PIN after refusing a wrong one, and refuses plain http unless allowed', () => {
    expect(sanad(['wallet', 'init']).status).toBe(0);
    const noHttp = sanad(['wallet', 'receive', info.offer.uri], {
      SANAD_TX_CODE: info.offer.tx_code,
    });
    expect(noHttp.status).toBe(2);
    expect(noHttp.stderr).toContain('ERR_OFFER_INVALID');
    const wrongPin = info.offer.tx_code === '000000' ? '111111' : '000000';
    const wrong = sanad(['wallet', 'receive', '--allow-http', info.offer.uri, '--json'], {
      SANAD_TX_CODE: wrongPin,
    });
    expect(wrong.status).toBe(2);
    expect(JSON.parse(wrong.stdout).error).toMatchObject({
      code: 'ERR_TX_CODE_INVALID',
      details: { attemptsLeft: 4 },
    });
    const noPin = sanad(['wallet', 'receive', '--allow-http', info.offer.uri]);
    expect(noPin.status).toBe(2);
    expect(noPin.stderr).toContain('ERR_TX_CODE_REQUIRED');
    const ok = sanad(
      ['wallet', 'receive', '--allow-http', info.offer.uri, '--copies', '3', '--json'],
      { SANAD_TX_CODE: info.offer.tx_code },
    );
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ name: 'Refugee status', copies: 3 });
  });

  it('responds to the verifier request after showing the summary, once', () => {
    const declinedWithoutTerminal = sanad(['wallet', 'respond', '--allow-http', info.request.uri]);
    expect(declinedWithoutTerminal.stdout).toContain('Over 18');
    expect(declinedWithoutTerminal.status).toBe(2);
    expect(declinedWithoutTerminal.stderr).toContain('ERR_CONSENT_REQUIRED');
    // With the sandbox's verifier registry, the desk is named by its registration.
    const registry = [
      '--verifier-registry',
      info.verifier_registry.file,
      '--registry-key',
      info.verifier_registry.authority_key_file,
    ];
    const sent = sanad([
      'wallet',
      'respond',
      '--allow-http',
      '--yes',
      ...registry,
      info.request.uri,
    ]);
    expect(sent.status).toBe(0);
    expect(sent.stdout).toContain('Registered: Sandbox clinic — health partners, sandbox');
    expect(sent.stdout).toContain('Sent to Sandbox clinic: Over 18.');
    const again = sanad(['wallet', 'respond', '--allow-http', '--yes', info.request.uri]);
    expect(again.status).toBe(2);
  });

  it('verifies a one-QR offline presentation with cached trust and status lists, reporting their age', async () => {
    // The sandbox's status lists, named by its operator API (they live below the register's id).
    const operatorToken = readFileSync(join(work, 'sandbox-data', 'operator-token'), 'utf8').trim();
    const published = (await (
      await fetch(`${info.issuer}/operator/status-lists`, {
        headers: { authorization: `Bearer ${operatorToken}` },
      })
    ).json()) as { lists: Array<{ kind: string; uri: string }> };
    const status = await fetch(published.lists.find((l) => l.kind === 'token')!.uri);
    expect(status.status).toBe(200);
    writeFileSync(join(work, 'tsl-1.jwt'), await status.text());
    expect(
      sanad(['verifier', 'status-cache', 'add', 'tsl-1.jwt', '--status-cache', 'cache']).status,
    ).toBe(0);
    const issuerDid = JSON.parse(sanad(['wallet', 'list', '--json']).stdout).credentials[0]
      .issuer as string;
    writeFileSync(
      join(work, 'trust.json'),
      JSON.stringify({
        type: 'sanad-trust-list',
        version: 1,
        issued_at: new Date(Date.now() - 3600_000).toISOString(),
        issuers: [
          { id: issuerDid, credential_types: ['https://sanad.example/credentials/refugee-status'] },
        ],
      }),
    );

    const desk = didKeyFromJwk((await generateKeyPair('ES256')).publicJwk);
    const request = sanad([
      'verifier',
      'request',
      '--client-id',
      desk,
      '--name',
      'Border desk 4',
      '--type',
      'https://sanad.example/credentials/refugee-status',
      '--claim',
      'age_over_18',
      '--claim',
      'given_name',
      '--purpose',
      'Adult check',
      '--nonce-store',
      'nonces.json',
      '--out',
      'req.json',
      '--qr',
      '--json',
    ]);
    expect(request.status).toBe(0);
    const present = sanad([
      'wallet',
      'present',
      '--request',
      'req.json',
      '--qr',
      '--qr-svg',
      'qr.svg',
      '--out',
      'qr.txt',
      '--yes',
      '--json',
    ]);
    expect(present.status).toBe(0);
    const { qr } = JSON.parse(present.stdout) as { qr: { characters: number; version: number } };
    // A 2-claim SD-JWT VC presentation in one code a phone camera reads: version 25 or lower at level L.
    expect(qr.version).toBeLessThanOrEqual(25);
    expect(readFileSync(join(work, 'qr.txt'), 'utf8')).toMatch(/^SANAD1:/);
    expect(readFileSync(join(work, 'qr.svg'), 'utf8')).toContain('<svg');

    const verify = (extra: string[] = []) =>
      sanad([
        'verify',
        '--presentation',
        'qr.txt',
        '--request',
        'req.json',
        '--trust',
        'trust.json',
        '--status-cache',
        'cache',
        '--offline',
        '--nonce-store',
        'nonces.json',
        '--json',
        ...extra,
      ]);
    const result = JSON.parse(verify().stdout);
    expect(result).toMatchObject({
      verified: true,
      claims: { age_over_18: true, given_name: 'Amal' },
      status: 'valid',
      statusSource: { source: 'cache' },
      trust_list: { signed: false },
    });
    expect(result.trust_list.age_seconds).toBeGreaterThanOrEqual(3600);
    expect(result.statusSource.ageSeconds).toBeGreaterThanOrEqual(0);
    expect(result.warnings.map((w: { code: string }) => w.code)).toContain(
      'WARN_STATUS_FROM_CACHE',
    );
    // The nonce is spent: the same code shown twice is a replay.
    const replay = verify();
    expect(replay.status).toBe(1);
    expect(JSON.parse(replay.stdout).errors.map((e: { code: string }) => e.code)).toContain(
      'ERR_NONCE_REPLAYED',
    );
    process.stdout.write(`offline QR: ${qr.characters} characters, version ${qr.version} (L)\n`);
  });

  it('stops cleanly on Ctrl-C after reporting the result', async () => {
    sandbox.kill('SIGINT');
    expect(await sandboxExit).toBe(0);
    expect(sandboxStderr).toContain('Verifier result: VERIFIED {"age_over_18":true}');
    expect(sandboxStderr).toContain('Sandbox stopped.');
  });
});
