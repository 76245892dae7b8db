/**
 * `pnpm bench:load`: the verifier service under a fixed request rate on loopback (autocannon),
 * pinned to 1 and then 2 cores (taskset). Every request is a real wallet response: a fresh
 * session, its own nonce, a KB-JWT signed for it, checked against a cached status list.
 *
 * Options: --rate <per second> (1000), --duration <seconds> (20), --cores 1,2, --json.
 * A 5-minute memory run: `pnpm bench:load --duration 300 --cores 2`.
 */
import { spawn } from 'node:child_process';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { decodeDisclosure, decodeJwt, didKeyFromJwk, didKeyMultibase, generateKeyPair, parseSdJwt, sdHash, type Signer, signerFromJwk, signJwt } from '@sanad/core';
import { createIssuer, createMemoryIssuerStore, refugeeStatusType } from '@sanad/issuer';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const TOTAL = Number(arg('requests', '20000'));
const CONNECTIONS = Number(arg('connections', '8'));
const CORES = arg('cores', '1,2').split(',').map(Number);
const json = process.argv.includes('--json');
const OPERATOR_TOKEN = 'load-test-operator-token-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'sanad-load-'));
const say = (line: string) => json || process.stderr.write(`${line}\n`);

// The agency and a pool of holders with their credentials (re-presented, each time to a new session).
const keys = await generateKeyPair('ES256');
const agencyDid = didKeyFromJwk(keys.publicJwk);
const issuer = await createIssuer({ store: createMemoryIssuerStore(), signer: await signerFromJwk(keys.privateJwk), issuerId: agencyDid, kid: `${agencyDid}#${didKeyMultibase(agencyDid)}`, statusBaseUrl: 'https://agency.example/status', types: [refugeeStatusType] });
const claims = { given_name: 'Amal', family_name: 'Haddad', birthdate: '1994-03-12', nationality: 'SYR', case_number: 'AMM-2026-044817', age_over_18: true };
const holders: Array<{ signer: Signer; credential: string }> = [];
for (let i = 0; i < 200; i += 1) {
  const h = await generateKeyPair('ES256');
  const credential = (await issuer.issue({ type: 'refugee-status', claims, holders: [{ did: didKeyFromJwk(h.publicJwk), jwk: h.publicJwk }] })).bundle.credentials[0]!;
  holders.push({ signer: await signerFromJwk(h.privateJwk), credential });
}
const statusToken = (await issuer.publishStatusLists()).find((l) => l.kind === 'token')!.token;

async function startServer(cores: number) {
  const config = join(dir, `config-${cores}.json`);
  writeFileSync(config, JSON.stringify({ agencyDid, statusToken, dbPath: join(dir, `service-${cores}.sqlite`), operatorToken: OPERATOR_TOKEN }));
  const cpuList = Array.from({ length: cores }, (_, i) => i).join(',');
  // SANAD_PROFILE=<dir> writes a CPU profile of the service (node --cpu-prof) for finding hot spots.
  const profile = process.env.SANAD_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.SANAD_PROFILE}`] : [];
  const child = spawn('taskset', ['-c', cpuList, process.execPath, ...profile, '--conditions=@sanad/source', '--import', 'tsx', join(import.meta.dirname, 'load-server.ts'), config], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the service exited (${code})`)));
    createInterface({ input: child.stdout! }).on('line', (line) => line.startsWith('READY ') && resolve(line.slice(6)));
  });
  return { url, pid: child.pid!, stop: () => child.kill('SIGTERM') };
}

const rssMiB = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

/** One session made through the operator API and answered by one holder: the form body to post. */
async function prepared(url: string, n: number): Promise<{ path: string; body: string; sessionId: string }> {
  const created = (await (await fetch(`${url}/operator/sessions`, { method: 'POST', headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ preset: 'over-18', response_mode: 'direct_post' }) })).json()) as { session_id: string; authorization_request: string };
  const requestUri = new URL(created.authorization_request).searchParams.get('request_uri')!;
  const request = decodeJwt(await (await fetch(requestUri)).text()).payload as { nonce: string; state: string; client_id: string; response_uri: string; dcql_query: { credentials: Array<{ id: string }> } };
  const holder = holders[n % holders.length]!;
  const kept = parseSdJwt(holder.credential).disclosures.filter((d) => decodeDisclosure(d).name === 'age_over_18');
  const base = `${holder.credential.split('~')[0]}~${kept.map((d) => `${d}~`).join('')}`;
  const kb = await signJwt(holder.signer, { typ: 'kb+jwt' }, { nonce: request.nonce, aud: request.client_id, iat: Math.floor(Date.now() / 1000), sd_hash: sdHash(base) });
  const vpToken = JSON.stringify({ [request.dcql_query.credentials[0]!.id]: [`${base}${kb}`] });
  return { path: new URL(request.response_uri).pathname, body: new URLSearchParams({ vp_token: vpToken, state: request.state }).toString(), sessionId: created.session_id };
}

async function run(cores: number) {
  const server = await startServer(cores);
  const total = TOTAL;
  say(`\n${cores} core(s): preparing ${total.toLocaleString('en-US')} sessions and wallet responses…`);
  const bodies: Array<{ path: string; body: string; sessionId: string }> = new Array(total);
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < total) {
        const n = next++;
        bodies[n] = await prepared(server.url, n);
      }
    }),
  );
  say(`${cores} core(s): ${total.toLocaleString('en-US')} responses, ${CONNECTIONS} in flight, against POST /responses/:id`);
  const rss: number[] = [];
  const sampler = setInterval(() => rss.push(rssMiB(server.pid)), 1000);
  let i = 0;
  const result = await autocannon({
    url: server.url,
    connections: CONNECTIONS,
    amount: total,
    requests: [
      {
        method: 'POST',
        setupRequest: (req: Record<string, unknown>) => {
          const b = bodies[i++ % total]!;
          return { ...req, path: b.path, body: b.body, headers: { 'content-type': 'application/x-www-form-urlencoded' } };
        },
      },
    ],
  });
  clearInterval(sampler);
  // Every response was verified (read back through the operator API, a sample of 500).
  let rejected = 0;
  for (let k = 0; k < total; k += Math.max(1, Math.floor(total / 500))) {
    const session = (await (await fetch(`${server.url}/operator/sessions/${bodies[k]!.sessionId}`, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } })).json()) as { result?: { verified: boolean } };
    if (!session.result?.verified) rejected += 1;
  }
  server.stop();
  const warm = rss.slice(Math.floor(rss.length / 10));
  return {
    cores,
    connections: CONNECTIONS,
    durationSeconds: result.duration,
    requests: result.requests.total,
    throughput: result.requests.average,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    errors: result.errors + result.timeouts + result.non2xx,
    sampledRejected: rejected,
    rssMiB: { afterWarmUp: warm[0] ?? 0, end: warm.at(-1) ?? 0, max: Math.max(...rss, 0) },
  };
}

const runs = [];
for (const cores of CORES) runs.push(await run(cores));
if (json) process.stdout.write(`${JSON.stringify({ node: process.version, runs }, null, 2)}\n`);
else {
  process.stdout.write(`\ncores  in flight  served/s   p50 ms  p99 ms  max ms  errors  rejected(sample)  RSS MiB (after warm-up -> end, max)  target: 1,000/s with p99 < 25 ms\n`);
  for (const r of runs) {
    process.stdout.write(
      `${String(r.cores).padStart(5)}  ${String(r.connections).padStart(9)}  ${r.throughput.toFixed(0).padStart(8)}  ${String(r.latencyMs.p50).padStart(7)}  ${String(r.latencyMs.p99).padStart(6)}  ${String(r.latencyMs.max).padStart(6)}  ${String(r.errors).padStart(6)}  ${String(r.sampledRejected).padStart(16)}  ${`${r.rssMiB.afterWarmUp.toFixed(0)} -> ${r.rssMiB.end.toFixed(0)}, ${r.rssMiB.max.toFixed(0)}`.padStart(35)}  ${r.throughput >= 1000 && r.latencyMs.p99 < 25 && r.errors === 0 ? 'met' : 'MISSED'}\n`,
    );
  }
}
process.exit(0);
