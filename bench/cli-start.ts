/**
 * `pnpm bench:cli`: the cold start of the built `sanad` (after `pnpm build`), as a desk pays it on
 * every person: median wall time and peak memory of `sanad --help` and of `sanad verify --json`
 * on one real presentation (SD-JWT VC with key binding, status from a cached list, offline),
 * against the targets of docs/performance.md. `--runs <n>` (default 15); `--json`. Timings belong here,
 * never in tests.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decodeDisclosure,
  didKeyFromJwk,
  didKeyMultibase,
  generateKeyPair,
  parseSdJwt,
  sdHash,
  signerFromJwk,
  signJwt,
} from '@sanad/core';
import { createIssuer, openSqliteIssuerStore, refugeeStatusType } from '@sanad/issuer';
import { createDirectoryStatusCache, importStatusList } from '@sanad/verifier';

const root = join(import.meta.dirname, '..');
// SANAD_CLI_BIN measures another build (e.g. the previous release's) on the same inputs.
const bin = process.env.SANAD_CLI_BIN ?? join(root, 'packages/cli/dist/bin.js');
const runsFlag = process.argv.indexOf('--runs');
const RUNS = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 15;
const TIME = '/usr/bin/time';

if (!existsSync(bin)) {
  process.stderr.write(
    'bench:cli measures the built CLI: run `npx --yes pnpm@10.34.9 build` first.\n',
  );
  process.exit(2);
}

/** One real presentation and what `sanad verify` needs beside it, in a temp folder. */
async function desk(dir: string): Promise<string[]> {
  const keys = await generateKeyPair('ES256');
  const did = didKeyFromJwk(keys.publicJwk);
  const issuer = await createIssuer({
    store: openSqliteIssuerStore(join(dir, 'issuer.sqlite')),
    signer: await signerFromJwk(keys.privateJwk),
    issuerId: did,
    kid: `${did}#${didKeyMultibase(did)}`,
    statusBaseUrl: 'https://agency.example/status',
    types: [refugeeStatusType],
  });
  const holder = await generateKeyPair('ES256');
  const claims = {
    given_name: 'Amal',
    family_name: 'Haddad',
    birthdate: '1994-03-12',
    nationality: 'SYR',
    case_number: 'AMM-2026-044817',
    age_over_18: true,
  };
  const credential = (
    await issuer.issue({
      type: 'refugee-status',
      claims,
      holders: [{ did: didKeyFromJwk(holder.publicJwk), jwk: holder.publicJwk }],
    })
  ).bundle.credentials[0]!;
  const kept = parseSdJwt(credential).disclosures.filter(
    (d) => decodeDisclosure(d).name === 'age_over_18',
  );
  const base = `${credential.split('~')[0]}~${kept.map((d) => `${d}~`).join('')}`;
  const kb = await signJwt(
    await signerFromJwk(holder.privateJwk),
    { typ: 'kb+jwt' },
    {
      nonce: 'n-1',
      aud: 'https://clinic.example',
      iat: Math.floor(Date.now() / 1000),
      sd_hash: sdHash(base),
    },
  );
  writeFileSync(join(dir, 'presentation.txt'), `${base}${kb}`);
  writeFileSync(
    join(dir, 'trust.json'),
    JSON.stringify({
      type: 'sanad-trust-list',
      version: 1,
      issuers: [{ id: did, credential_types: [refugeeStatusType.definition.vct] }],
    }),
  );
  const cache = createDirectoryStatusCache(join(dir, 'status-cache'));
  for (const list of await issuer.publishStatusLists()) await importStatusList(cache, list.token);
  const args = [
    'verify',
    '--json',
    '--presentation',
    join(dir, 'presentation.txt'),
    '--trust',
    join(dir, 'trust.json'),
  ];
  return [
    ...args,
    '--nonce',
    'n-1',
    '--audience',
    'https://clinic.example',
    '--status-cache',
    join(dir, 'status-cache'),
    '--offline',
  ];
}

interface Measured {
  medianMs: number;
  peakRssMb: number | undefined;
}

/** Runs `sanad <args>` RUNS times (after one warm-up, which fills the file cache) and returns the medians. */
function measure(args: string[], expectedStatus: number): Measured {
  const withTime = existsSync(TIME);
  const times: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i <= RUNS; i += 1) {
    const command = withTime
      ? [TIME, '-f', 'peak-rss-kb %M', process.execPath, bin, ...args]
      : [process.execPath, bin, ...args];
    const started = performance.now();
    const run = spawnSync(command[0]!, command.slice(1), { encoding: 'utf8' });
    const ms = performance.now() - started;
    if (run.status !== expectedStatus)
      throw new Error(`sanad ${args.join(' ')} exited ${run.status}: ${run.stdout}${run.stderr}`);
    if (i === 0) continue;
    times.push(ms);
    const kb = /peak-rss-kb (\d+)/.exec(run.stderr)?.[1];
    if (kb !== undefined) rss.push(Number(kb) / 1024);
  }
  const median = (values: number[]): number =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  return { medianMs: median(times), peakRssMb: rss.length > 0 ? median(rss) : undefined };
}

const dir = mkdtempSync(join(tmpdir(), 'sanad-bench-cli-'));
try {
  const verifyArgs = await desk(dir);
  const rows = [
    { name: 'sanad --help', targetMs: 250, ...measure(['--help'], 0) },
    {
      name: 'sanad verify --json (one SD-JWT VC, offline status)',
      targetMs: 500,
      ...measure(verifyArgs, 0),
    },
  ];
  const json = process.argv.includes('--json');
  if (json) process.stdout.write(`${JSON.stringify({ runs: RUNS, results: rows }, null, 2)}\n`);
  else {
    process.stdout.write(
      `CLI cold start (built CLI, median of ${RUNS} runs; load average ${loadavg()[0]!.toFixed(1)})\n`,
    );
    for (const r of rows) {
      const rss = r.peakRssMb === undefined ? '' : `, peak RSS ${r.peakRssMb.toFixed(0)} MB`;
      process.stdout.write(
        `  ${r.medianMs <= r.targetMs ? 'met ' : 'MISS'}  ${r.name}: ${r.medianMs.toFixed(0)} ms (target <= ${r.targetMs} ms)${rss}\n`,
      );
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
