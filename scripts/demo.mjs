#!/usr/bin/env node
// `pnpm demo`: the refugee journey told as a story, end to end, through the real `sanad` CLI.
// Everything happens in a temporary folder with embedded defaults; nothing leaves this machine.
//
// SANAD_DEMO_SOURCE=1 runs the CLI from the TypeScript sources (used by the test suite).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const fromSource = process.env.SANAD_DEMO_SOURCE === '1';
const cliArgs = fromSource
  ? [
      '--conditions=@sanad/source',
      '--import',
      import.meta.resolve('tsx'),
      join(root, 'packages/cli/src/bin.ts'),
    ]
  : [join(root, 'packages/cli/dist/bin.js')];

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code, text) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
const bold = (t) => paint('1', t);
const dim = (t) => paint('2', t);
const green = (t) => paint('32', t);
const red = (t) => paint('31', t);

const work = mkdtempSync(join(tmpdir(), 'sanad-demo-'));
const path = (...parts) => join(work, ...parts);
const env = {
  ...process.env,
  SANAD_WALLET_PASSPHRASE: 'amal-correct-horse-battery',
  NO_COLOR: '1',
};

let step = 0;
function chapter(title, text) {
  step += 1;
  console.log(`\n${bold(`${step}. ${title}`)}`);
  if (text) console.log(text);
}

/** Runs `sanad <args>`, shows the command, and returns stdout (parsed when --json). */
function sanad(args, { expectExit = 0, show = true } = {}) {
  const shown = args.map((a) => (a.startsWith(work) ? relative(work, a) : a)).join(' ');
  if (show) console.log(dim(`   $ sanad ${shown}`));
  const run = spawnSync(process.execPath, [...cliArgs, ...args], {
    cwd: work,
    env,
    encoding: 'utf8',
  });
  if (run.status !== expectExit) {
    console.error(run.stdout, run.stderr);
    throw new Error(`sanad ${shown} exited ${run.status}, expected ${expectExit}`);
  }
  return args.includes('--json') ? JSON.parse(run.stdout) : run.stdout;
}

const indent = (text) =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => `   ${l}`)
    .join('\n');

try {
  console.log(bold('Sanad — the refugee journey'));
  console.log(dim(`(working folder: ${work})`));

  chapter(
    'The agency sets up its issuer',
    'A field office of the refugee agency creates a signing key (ES256) and an empty issuer register.',
  );
  const issuer = sanad([
    'issuer',
    'init',
    '--dir',
    path('agency'),
    '--status-base-url',
    'https://agency.example/status',
    '--json',
  ]);
  console.log(`   Issuer identifier: ${issuer.issuer}`);
  console.log(
    '   The register will hold credential ids, status indexes and dates — never names or case numbers.',
  );

  chapter(
    'The clinic decides whom to trust',
    'Al Noor Clinic adds the agency to its trust list, for refugee-status credentials only.',
  );
  const vct = issuer.types.find((t) => t.id === 'refugee-status').vct;
  sanad([
    'trust-list',
    'add',
    '--file',
    path('clinic', 'trust.json'),
    '--issuer',
    issuer.issuer,
    '--type',
    vct,
    '--name',
    'Refugee Agency — Field Office',
  ]);

  chapter(
    'Amal opens a wallet on her phone',
    'The wallet is encrypted with her passphrase (scrypt + XChaCha20-Poly1305).',
  );
  sanad(['wallet', 'init', '--wallet', path('phone', 'wallet.json')]);
  const keys = sanad([
    'wallet',
    'keys',
    '--wallet',
    path('phone', 'wallet.json'),
    '--count',
    '3',
    '--out',
    path('phone', 'holder-keys.json'),
    '--json',
  ]);
  console.log(
    `   Her wallet makes ${keys.keys.length} fresh keys, one per copy, so no two presentations can be linked.`,
  );

  chapter('The agency issues her refugee-status credential');
  writeFileSync(
    path('agency', 'amal.json'),
    JSON.stringify({
      given_name: 'Amal',
      family_name: 'Haddad',
      birthdate: '1994-03-12',
      nationality: 'SYR',
      case_number: 'AMM-2026-044817',
      photo_digest: 'sha-256:4f1a3b0c9d5e6f7081920a1b2c3d4e5f60718293a4b5c6d7e8f9001122334455',
      age_over_18: true,
    }),
  );
  const issued = sanad([
    'issuer',
    'issue',
    '--dir',
    path('agency'),
    '--type',
    'refugee-status',
    '--claims',
    path('agency', 'amal.json'),
    '--holder-keys',
    path('phone', 'holder-keys.json'),
    '--out',
    path('phone', 'refugee-status.json'),
    '--json',
  ]);
  console.log(
    `   ${issued.copies} copies of one SD-JWT VC, each with its own salts, holder key and random status index.`,
  );
  console.log(`   Credential (batch) id: ${issued.batchId}`);
  rmSync(path('agency', 'amal.json'));
  console.log(
    '   The agency deletes its working copy of the claims; its register keeps none of them.',
  );

  chapter('Amal stores it in her wallet');
  console.log(
    indent(
      sanad([
        'wallet',
        'import',
        path('phone', 'refugee-status.json'),
        '--wallet',
        path('phone', 'wallet.json'),
      ]),
    ),
  );
  console.log(
    indent(sanad(['wallet', 'list', '--wallet', path('phone', 'wallet.json'), '--lang', 'ar'])),
  );

  chapter(
    'The agency publishes its status list',
    'A signed IETF Token Status List; the clinic syncs it when it has a connection (or from a USB stick).',
  );
  sanad(['issuer', 'status-list', '--dir', path('agency'), '--out', path('published')]);
  sanad([
    'verifier',
    'status-cache',
    'add',
    '--status-cache',
    path('clinic', 'status-cache'),
    path('published'),
  ]);

  chapter(
    'The clinic asks for the minimum',
    'Only "over 18" — and the verifier checks the credential is valid (not revoked).',
  );
  sanad([
    'verifier',
    'request',
    '--client-id',
    'https://clinic.example',
    '--name',
    'Al Noor Clinic',
    '--type',
    vct,
    '--claim',
    'age_over_18',
    '--purpose',
    'Confirm the patient is an adult before treatment',
    '--nonce-store',
    path('clinic', 'nonces.json'),
    '--out',
    path('clinic', 'request-1.json'),
  ]);

  chapter('Amal sees exactly what will be shared, and agrees');
  console.log(
    indent(
      sanad([
        'wallet',
        'present',
        '--wallet',
        path('phone', 'wallet.json'),
        '--request',
        path('clinic', 'request-1.json'),
        '--out',
        path('phone', 'presentation-1.json'),
        '--yes',
      ]),
    ),
  );

  chapter('The clinic verifies — offline, from its cached status list');
  const verifyArgs = (n) => [
    'verify',
    '--presentation',
    path('phone', `presentation-${n}.json`),
    '--trust',
    path('clinic', 'trust.json'),
    '--request',
    path('clinic', `request-${n}.json`),
    '--nonce-store',
    path('clinic', 'nonces.json'),
    '--status-cache',
    path('clinic', 'status-cache'),
    '--offline',
    '--json',
  ];
  const first = sanad(verifyArgs(1));
  console.log(
    `   verified: ${first.verified ? green('true') : red('false')}, status: ${first.status}`,
  );
  console.log(`   The clinic sees exactly: ${JSON.stringify(first.claims)}`);
  const leaked = ['Amal', 'Haddad', '1994-03-12', 'AMM-2026-044817'].filter((v) =>
    JSON.stringify(first).includes(v),
  );
  console.log(
    `   Name, birth date, case number in what the clinic received: ${leaked.length === 0 ? green('none') : red(leaked.join(', '))}`,
  );
  if (!first.verified || leaked.length > 0 || Object.keys(first.claims).join() !== 'age_over_18')
    throw new Error('first verification did not go as told');

  chapter(
    'Someone replays the same presentation',
    'The nonce was already used: the clinic refuses it.',
  );
  const replay = sanad(verifyArgs(1), { expectExit: 1 });
  console.log(
    `   verified: ${red(String(replay.verified))} — ${replay.errors.map((e) => e.code).join(', ')}`,
  );

  chapter('Amal looks at what she has shared');
  console.log(indent(sanad(['wallet', 'history', '--wallet', path('phone', 'wallet.json')])));

  chapter(
    'The agency revokes the credential',
    '(for example, the case was closed or the credential was issued in error)',
  );
  sanad(['issuer', 'revoke', '--dir', path('agency'), issued.batchId]);
  sanad(['issuer', 'status-list', '--dir', path('agency'), '--out', path('published')]);
  sanad([
    'verifier',
    'status-cache',
    'add',
    '--status-cache',
    path('clinic', 'status-cache'),
    path('published'),
  ]);

  chapter("The clinic's next check fails as revoked");
  sanad(
    [
      'verifier',
      'request',
      '--client-id',
      'https://clinic.example',
      '--name',
      'Al Noor Clinic',
      '--type',
      vct,
      '--claim',
      'age_over_18',
      '--purpose',
      'Confirm the patient is an adult before treatment',
      '--nonce-store',
      path('clinic', 'nonces.json'),
      '--out',
      path('clinic', 'request-2.json'),
    ],
    { show: false },
  );
  sanad(
    [
      'wallet',
      'present',
      '--wallet',
      path('phone', 'wallet.json'),
      '--request',
      path('clinic', 'request-2.json'),
      '--out',
      path('phone', 'presentation-2.json'),
      '--yes',
    ],
    { show: false },
  );
  const second = sanad(verifyArgs(2), { expectExit: 1 });
  console.log(
    `   verified: ${red(String(second.verified))}, status: ${second.status} — ${second.errors.map((e) => e.code).join(', ')}`,
  );
  if (second.verified || second.status !== 'revoked')
    throw new Error('revocation was not detected');

  console.log(
    `\n${green(bold('The journey is complete.'))} Amal kept her data; the clinic learned one fact; the agency kept no register of people.`,
  );
  const sizes = JSON.parse(readFileSync(path('phone', 'presentation-1.json'), 'utf8'));
  const bytes = Object.values(sizes.vp_token).flat().join('').length;
  console.log(dim(`(the presentation the clinic received was ${bytes} bytes)`));
} finally {
  rmSync(work, { recursive: true, force: true });
}
