/**
 * `sanad config show|check` and `--config`/`--profile` on the services: a bad file is refused
 * naming the field, and a profile changes what the running service does.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { codeBlocks } from './support/markdown.js';
import { killServices, sanadSync, startService } from './support/sanad-process.js';

const work = mkdtempSync(join(tmpdir(), 'sanad-config-'));
const token = 'operator-token-for-config-tests-0123456789';
afterAll(() => {
  killServices();
  rmSync(work, { recursive: true, force: true });
});

const sanad = (args: string[], env: Record<string, string> = {}) =>
  sanadSync(args, { cwd: work, env });
const file = (name: string, content: unknown): string => {
  writeFileSync(join(work, name), JSON.stringify(content));
  return name;
};

describe('sanad config', () => {
  it('check refuses a bad file with ERR_CONFIG_INVALID naming the field, and passes a good one', () => {
    const bad = sanad([
      'config',
      'check',
      '--config',
      file('bad.json', { profile: 'high-risk', verifier: { sessionTtlSeconds: 5 } }),
    ]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('verifier.sessionTtlSeconds: must be an integer from 30 to 86400');
    expect(bad.stderr).toContain('ERR_CONFIG_INVALID');
    const good = sanad([
      'config',
      'check',
      '--config',
      file('good.json', { profile: 'high-risk', verifier: { sessionTtlSeconds: 90 } }),
      '--json',
    ]);
    expect(good.status).toBe(0);
    expect(JSON.parse(good.stdout)).toEqual({ valid: true, profile: 'high-risk' });
  });

  it('accepts the sample file of docs/deployment.md', () => {
    const page = join(import.meta.dirname, '..', 'docs', 'deployment.md');
    const sample = codeBlocks('docs/deployment.md', readFileSync(page, 'utf8'), 'json').find((b) =>
      b.note?.includes('accepts the sample file'),
    );
    writeFileSync(join(work, 'sample.json'), sample!.code);
    const checked = sanad(['config', 'check', '--config', 'sample.json', '--json']);
    expect(checked.stderr).toBe('');
    expect(JSON.parse(checked.stdout)).toEqual({ valid: true, profile: 'high-risk' });
  });

  it('show prints the effective settings: the profile, then the file, with the password hidden', () => {
    const shown = sanad([
      'config',
      'show',
      '--config',
      file('pg.json', {
        profile: 'ministry-scale',
        database: { url: 'postgres://sanad:s3cret@db.internal/sanad' },
      }),
      '--json',
    ]);
    expect(shown.status).toBe(0);
    const config = JSON.parse(shown.stdout) as {
      profile: string;
      database: { url: string };
      defences: { rateLimit: { trustProxy: number } };
    };
    expect(config.profile).toBe('ministry-scale');
    expect(config.defences.rateLimit.trustProxy).toBe(1);
    expect(config.database.url).toBe('postgres://sanad:***@db.internal/sanad');
    expect(shown.stdout).not.toContain('s3cret');
    expect(
      JSON.parse(sanad(['config', 'show', '--profile', 'high-risk', '--json']).stdout),
    ).toMatchObject({ verifier: { sessionTtlSeconds: 120, resultRetentionSeconds: 60 } });
  });
});

describe('sanad verifier serve --config / --profile', () => {
  const args = [
    'verifier',
    'serve',
    '--base-url',
    'http://127.0.0.1:1',
    '--allow-http',
    '--port',
    '0',
    '--name',
    'Al Noor Clinic',
    '--trust',
    'trust.json',
    '--key',
    'clinic.jwk.json',
    '--data',
    '.',
    '--no-desk',
  ];

  it('refuses to start on a bad file, naming the field', () => {
    writeFileSync(
      join(work, 'trust.json'),
      JSON.stringify({ type: 'sanad-trust-list', version: 1, issuers: [] }),
    );
    const refused = sanad(
      [...args, '--config', file('typo.json', { verifier: { sessionTTL: 60 } })],
      { SANAD_OPERATOR_TOKEN: token },
    );
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('verifier.sessionTTL: is not a setting');
  });

  it('high-risk gives sessions a shorter life than standard, seen through the operator API', async () => {
    // The session's life, bounded by the clock read around the request: no timing assumption.
    const lifetime = async (
      extra: string[],
    ): Promise<{ atLeast: number; atMost: number; profile: unknown }> => {
      const service = await startService([...args, ...extra], {
        cwd: work,
        env: { SANAD_OPERATOR_TOKEN: token },
      });
      const before = Math.floor(Date.now() / 1000);
      const created = await fetch(`${String(service.info.listening)}/operator/sessions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ preset: 'over-18' }),
      });
      const after = Math.ceil(Date.now() / 1000);
      const { expires_at } = (await created.json()) as { expires_at: number };
      expect(await service.stop()).toBe(0);
      return {
        atLeast: expires_at - after,
        atMost: expires_at - before,
        profile: service.info.profile,
      };
    };
    const standard = await lifetime([]);
    expect(standard.profile).toBe('standard');
    expect(standard.atMost).toBeGreaterThanOrEqual(300);
    const highRisk = await lifetime(['--config', file('desk.json', { profile: 'high-risk' })]);
    expect(highRisk.profile).toBe('high-risk');
    expect(highRisk.atLeast).toBeLessThanOrEqual(120);
    // The command line's --profile wins over the file's.
    expect((await lifetime(['--config', 'desk.json', '--profile', 'standard'])).profile).toBe(
      'standard',
    );
  });
});
