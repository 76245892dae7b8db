/**
 * `pnpm bench:load`: the verifier service under load on loopback (autocannon, a closed loop of
 * `--connections` in flight), pinned to 1 and then 2 cores (taskset). Every request is a real
 * wallet response: a fresh session, its own nonce, a KB-JWT signed for it, checked against a
 * cached status list.
 *
 * Requests are made lazily, one chunk at a time (prepare a chunk of sessions and answers, post
 * it, forget it), so a run can last as long as asked with bounded memory in the generator. Only
 * the posting is timed. Besides latency and rate it reports the service's CPU time per answer
 * (from /proc: less affected by other work than wall clock) and its memory over time.
 *
 * Options: --duration <seconds of posting per core count> (30), --chunk <answers> (5000),
 * --connections <in flight> (8), --cores 1,2, --workers <service processes> (1), --json.
 * A 5-minute memory run: `pnpm bench:load --duration 300 --cores 2`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir, uptime } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import {
  decodeDisclosure,
  decodeJwt,
  didKeyFromJwk,
  didKeyMultibase,
  generateKeyPair,
  parseSdJwt,
  sdHash,
  type Signer,
  signerFromJwk,
  signJwt,
} from '@sanad/core';
import { createIssuer, createMemoryIssuerStore, refugeeStatusType } from '@sanad/issuer';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const DURATION_S = Number(arg('duration', '30'));
const CHUNK = Number(arg('chunk', '5000'));
const CONNECTIONS = Number(arg('connections', '8'));
const WORKERS = Number(arg('workers', '1'));
const CORES = arg('cores', '1,2').split(',').map(Number);
const json = process.argv.includes('--json');
const TARGET = { rate: 1000, p99Ms: 25 };
const OPERATOR_TOKEN = 'load-test-operator-token-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'sanad-load-'));
const say = (line: string) => json || process.stderr.write(`${line}\n`);
const loadAverage = (): string =>
  readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

// The agency and a pool of holders with their credentials (re-presented, each time to a new session).
const keys = await generateKeyPair('ES256');
const agencyDid = didKeyFromJwk(keys.publicJwk);
const issuer = await createIssuer({
  store: createMemoryIssuerStore(),
  signer: await signerFromJwk(keys.privateJwk),
  issuerId: agencyDid,
  kid: `${agencyDid}#${didKeyMultibase(agencyDid)}`,
  statusBaseUrl: 'https://agency.example/status',
  types: [refugeeStatusType],
});
const claims = {
  given_name: 'Amal',
  family_name: 'Haddad',
  birthdate: '1994-03-12',
  nationality: 'SYR',
  case_number: 'AMM-2026-044817',
  age_over_18: true,
};
const holders: Array<{ signer: Signer; base: string }> = [];
for (let i = 0; i < 200; i += 1) {
  const h = await generateKeyPair('ES256');
  const credential = (
    await issuer.issue({
      type: 'refugee-status',
      claims,
      holders: [{ did: didKeyFromJwk(h.publicJwk), jwk: h.publicJwk }],
    })
  ).bundle.credentials[0]!;
  const kept = parseSdJwt(credential).disclosures.filter(
    (d) => decodeDisclosure(d).name === 'age_over_18',
  );
  holders.push({
    signer: await signerFromJwk(h.privateJwk),
    base: `${credential.split('~')[0]}~${kept.map((d) => `${d}~`).join('')}`,
  });
}
const statusToken = (await issuer.publishStatusLists()).find((l) => l.kind === 'token')!.token;

async function startServer(cores: number) {
  const config = join(dir, `config-${cores}.json`);
  writeFileSync(
    config,
    JSON.stringify({
      agencyDid,
      statusToken,
      dbPath: join(dir, `service-${cores}.sqlite`),
      operatorToken: OPERATOR_TOKEN,
      workers: WORKERS,
    }),
  );
  const cpuList = Array.from({ length: cores }, (_, i) => i).join(',');
  // SANAD_PROFILE=<dir>: the service writes a CPU profile of the first chunk's posting there, for finding hot spots.
  const child = spawn(
    'taskset',
    [
      '-c',
      cpuList,
      process.execPath,
      '--conditions=@sanad/source',
      '--import',
      'tsx',
      join(import.meta.dirname, 'load-server.ts'),
      config,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // The service logs every request, as it does in production (that costs CPU and is measured); only its warnings and errors are shown.
  createInterface({ input: child.stderr! }).on(
    'line',
    (line) => !line.startsWith('{"level":"info"') && process.stderr.write(`${line}\n`),
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the service exited (${code})`)));
    createInterface({ input: child.stdout! }).on(
      'line',
      (line) => line.startsWith('READY ') && resolve(line.slice(6)),
    );
  });
  return { url, pid: child.pid!, stop: () => child.kill('SIGTERM') };
}

/** The service's processes: the one started (taskset execs node in place) and its workers, if any. */
function processTree(pid: number): number[] {
  const children = readdirSync(`/proc/${pid}/task`).flatMap((t) =>
    readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8')
      .trim()
      .split(' ')
      .filter(Boolean)
      .map(Number),
  );
  return [pid, ...children.flatMap(processTree)];
}
const rssMiB = (pids: number[]): number =>
  pids.reduce(
    (sum, pid) =>
      sum + Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024,
    0,
  );
/** User + system CPU seconds of these processes (/proc/<pid>/stat, clock ticks of 1/100 s). */
const cpuSeconds = (pids: number[]): number =>
  pids.reduce((sum, pid) => {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return sum + (Number(fields[11]) + Number(fields[12])) / 100;
  }, 0);

/** Latencies in 0.05 ms buckets up to 10 s (then one overflow bucket): fixed memory for any run length. */
class Histogram {
  readonly #buckets = new Uint32Array(200_001);
  count = 0;
  max = 0;
  record(ms: number): void {
    this.#buckets[Math.min(200_000, Math.floor(ms * 20))]! += 1;
    this.count += 1;
    this.max = Math.max(this.max, ms);
  }
  percentile(p: number): number {
    const rank = Math.ceil((p / 100) * this.count);
    let seen = 0;
    for (let i = 0; i < this.#buckets.length; i += 1) {
      seen += this.#buckets[i]!;
      if (seen >= rank) return (i + 1) / 20;
    }
    return this.max;
  }
}

interface Prepared {
  path: string;
  body: string;
  sessionId: string;
}

/** One session made through the operator API and answered by one holder: the form body to post. */
async function prepared(url: string, n: number): Promise<Prepared> {
  const created = (await (
    await fetch(`${url}/operator/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ preset: 'over-18', response_mode: 'direct_post' }),
    })
  ).json()) as { session_id: string; authorization_request: string };
  const requestUri = new URL(created.authorization_request).searchParams.get('request_uri')!;
  const request = decodeJwt(await (await fetch(requestUri)).text()).payload as {
    nonce: string;
    state: string;
    client_id: string;
    response_uri: string;
    dcql_query: { credentials: Array<{ id: string }> };
  };
  const { signer, base } = holders[n % holders.length]!;
  const kb = await signJwt(
    signer,
    { typ: 'kb+jwt' },
    {
      nonce: request.nonce,
      aud: request.client_id,
      iat: Math.floor(Date.now() / 1000),
      sd_hash: sdHash(base),
    },
  );
  const vpToken = JSON.stringify({ [request.dcql_query.credentials[0]!.id]: [`${base}${kb}`] });
  return {
    path: new URL(request.response_uri).pathname,
    body: new URLSearchParams({ vp_token: vpToken, state: request.state }).toString(),
    sessionId: created.session_id,
  };
}

async function prepareChunk(url: string, size: number, offset: number): Promise<Prepared[]> {
  const chunk: Prepared[] = new Array(size);
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < size) {
        const n = next++;
        chunk[n] = await prepared(url, offset + n);
      }
    }),
  );
  return chunk;
}

/**
 * Posts a chunk with `CONNECTIONS` in flight; latencies go into `histogram`. Timed here, from
 * the start to the last answer: autocannon ends a run with `amount` only at its next 1 s sample,
 * so its `duration` is rounded up to whole seconds (5,000 answers in 4.1 s read as 1,000/s).
 */
async function fire(url: string, chunk: Prepared[], histogram: Histogram) {
  let i = 0;
  const started = performance.now();
  let lastAnswer = started;
  const instance = autocannon({
    url,
    connections: Math.min(CONNECTIONS, chunk.length),
    amount: chunk.length,
    requests: [
      {
        method: 'POST',
        setupRequest: (req: Record<string, unknown>) => {
          const b = chunk[i++ % chunk.length]!;
          return {
            ...req,
            path: b.path,
            body: b.body,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
          };
        },
      },
    ],
  });
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, ms: number) => {
    lastAnswer = performance.now();
    if (statusCode < 300) histogram.record(ms);
  });
  const result = await instance;
  return {
    seconds: (lastAnswer - started) / 1000,
    errors: (result.errors + result.timeouts + result.non2xx) as number,
  };
}

/** Reads a few answered sessions back through the operator API: each must be verified. */
async function rejectedIn(url: string, chunk: Prepared[], sample: number): Promise<number> {
  let rejected = 0;
  for (let k = 0; k < chunk.length; k += Math.max(1, Math.floor(chunk.length / sample))) {
    const session = (await (
      await fetch(`${url}/operator/sessions/${chunk[k]!.sessionId}`, {
        headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
      })
    ).json()) as { result?: { verified: boolean } };
    if (!session.result?.verified) rejected += 1;
  }
  return rejected;
}

async function run(cores: number) {
  const server = await startServer(cores);
  const pids = processTree(server.pid);
  say(
    `\n${cores} core(s), ${WORKERS} service process(es): posting for ${DURATION_S} s in chunks of ${CHUNK.toLocaleString('en-US')} prepared answers, ${CONNECTIONS} in flight (load average ${loadAverage()})`,
  );
  const histogram = new Histogram();
  const timeline: Array<{ atSeconds: number; rssMiB: number }> = [];
  let postingSeconds = 0;
  let cpu = 0;
  let served = 0;
  let errors = 0;
  let sampled = 0;
  let rejected = 0;
  for (let offset = 0; postingSeconds < DURATION_S; offset += CHUNK) {
    const chunk = await prepareChunk(server.url, CHUNK, offset);
    const cpuBefore = cpuSeconds(pids);
    const started = performance.now();
    const sampler = setInterval(
      () =>
        timeline.push({
          atSeconds: postingSeconds + (performance.now() - started) / 1000,
          rssMiB: rssMiB(pids),
        }),
      1000,
    );
    const profiling = process.env.SANAD_PROFILE !== undefined && offset === 0;
    if (profiling) await fetch(`${server.url}/__profile`, { method: 'PUT' });
    const fired = await fire(server.url, chunk, histogram);
    if (profiling) await fetch(`${server.url}/__profile`, { method: 'DELETE' });
    clearInterval(sampler);
    cpu += cpuSeconds(pids) - cpuBefore;
    postingSeconds += fired.seconds;
    served += chunk.length - fired.errors;
    errors += fired.errors;
    const sample = Math.min(50, chunk.length);
    sampled += sample;
    rejected += await rejectedIn(server.url, chunk, sample);
    say(
      `  ${postingSeconds.toFixed(0).padStart(4)} s  ${served.toLocaleString('en-US').padStart(9)} served  ${(chunk.length / fired.seconds).toFixed(0).padStart(5)}/s  p99 so far ${histogram.percentile(99).toFixed(1).padStart(5)} ms  RSS ${rssMiB(pids).toFixed(0)} MiB  service CPU ${((cpu / served) * 1e3).toFixed(2)} ms/answer  load ${loadAverage()}`,
    );
  }
  server.stop();
  // Flat: the last fifth of the run holds no more than the first fifth after warm-up, plus 10 %.
  const fifth = Math.max(1, Math.floor(timeline.length / 5));
  const early = Math.max(...timeline.slice(fifth, 2 * fifth).map((t) => t.rssMiB));
  const late = Math.max(...timeline.slice(-fifth).map((t) => t.rssMiB));
  const throughput = served / postingSeconds;
  const latencyMs = {
    p50: histogram.percentile(50),
    p90: histogram.percentile(90),
    p99: histogram.percentile(99),
    max: histogram.max,
  };
  return {
    cores,
    workers: WORKERS,
    connections: CONNECTIONS,
    postingSeconds,
    served,
    throughput,
    latencyMs,
    errors,
    sampled,
    sampledRejected: rejected,
    serviceCpuMsPerAnswer: (cpu / served) * 1e3,
    rssMiB: {
      afterWarmUp: early,
      end: late,
      max: Math.max(...timeline.map((t) => t.rssMiB)),
      flat: late <= early * 1.1,
      timeline: timeline.filter((_, k) => k % 10 === 0),
    },
    met:
      throughput >= TARGET.rate && latencyMs.p99 < TARGET.p99Ms && errors === 0 && rejected === 0,
    loadAverage: loadAverage(),
  };
}

const runs = [];
for (const cores of CORES) runs.push(await run(cores));
if (json)
  process.stdout.write(
    `${JSON.stringify({ node: process.version, target: TARGET, uptimeSeconds: uptime(), runs }, null, 2)}\n`,
  );
else {
  process.stdout.write(
    `\ncores  procs  served/s  p50 ms  p99 ms  max ms  errors  rejected  CPU ms/answer  RSS MiB (warm -> end, max)  load average\n`,
  );
  for (const r of runs) {
    const rss = `${r.rssMiB.afterWarmUp.toFixed(0)} -> ${r.rssMiB.end.toFixed(0)}, ${r.rssMiB.max.toFixed(0)} ${r.rssMiB.flat ? 'flat' : 'GROWING'}`;
    process.stdout.write(
      `${String(r.cores).padStart(5)}  ${String(r.workers).padStart(5)}  ${r.throughput.toFixed(0).padStart(8)}  ${r.latencyMs.p50.toFixed(1).padStart(6)}  ${r.latencyMs.p99.toFixed(1).padStart(6)}  ${r.latencyMs.max.toFixed(0).padStart(6)}  ${String(r.errors).padStart(6)}  ${`${r.sampledRejected}/${r.sampled}`.padStart(8)}  ${r.serviceCpuMsPerAnswer.toFixed(2).padStart(13)}  ${rss.padStart(26)}  ${r.loadAverage}\n`,
    );
  }
  for (const r of runs) {
    const ratio = `${r.throughput.toFixed(0)}/s (${(r.throughput / TARGET.rate).toFixed(2)}x of ${TARGET.rate}), p99 ${r.latencyMs.p99.toFixed(1)} ms`;
    process.stdout.write(
      `  ${r.met ? 'met   ' : 'MISSED'}  ${r.cores} core(s): >= ${TARGET.rate} verifications/s with p99 < ${TARGET.p99Ms} ms: ${ratio}; memory ${r.rssMiB.flat ? 'flat' : 'growing'}\n`,
    );
  }
}
process.exit(runs.every((r) => r.met) ? 0 : 1);
