/**
 * Huge and deeply nested bodies, at every endpoint that reads one: a body past the limit is
 * refused with 413 and ERR_INPUT_TOO_LARGE whether it announces its length or not, a body nested
 * 100,000 deep with 400; never a 500, and the service answers normally afterwards.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { clientFrom, type DosServices, operatorHeaders, startDosServices } from './support.js';

let services: DosServices;
/** Still answers 500 on this branch: `String(body.preset)` recurses through the array (the String() removal of issue 16 section 0 fixes it). */
const STRINGIFIED = 'verifier POST /operator/sessions';
let endpoints: Array<{
  name: string;
  url: string;
  headers: Record<string, string>;
  form?: boolean;
  field?: string;
}>;
beforeAll(async () => {
  services = await startDosServices();
  const desk = clientFrom('127.0.0.60');
  const session = JSON.parse(
    (
      await desk.send('POST', `${services.verifierUrl}/operator/sessions`, {
        headers: operatorHeaders(),
        body: { preset: 'over-18', response_mode: 'direct_post' },
      })
    ).body,
  ) as { session_id: string };
  desk.close();
  endpoints = [
    {
      name: 'verifier POST /responses/:id',
      url: `${services.verifierUrl}/responses/${session.session_id}`,
      headers: {},
      form: true,
    },
    {
      name: 'verifier POST /operator/sessions',
      url: `${services.verifierUrl}/operator/sessions`,
      headers: operatorHeaders(),
      field: 'preset',
    },
    {
      name: 'issuer POST /token',
      url: `${services.issuerUrl}/token`,
      headers: {},
      field: 'pre-authorized_code',
    },
    {
      name: 'issuer POST /credential',
      url: `${services.issuerUrl}/credential`,
      headers: { authorization: 'Bearer x' },
      field: 'proofs',
    },
    {
      name: 'issuer POST /operator/offers',
      url: `${services.issuerUrl}/operator/offers`,
      headers: operatorHeaders(),
      field: 'claims',
    },
  ];
});
afterAll(() => services.close());

/** Posts `body` in 64 KiB chunks, with or without Content-Length; the status and JSON answer (or the connection's end). */
function post(
  url: string,
  headers: Record<string, string>,
  body: string,
  announceLength: boolean,
): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        localAddress: '127.0.0.61',
        headers: {
          ...headers,
          ...(announceLength ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
          }),
        );
      },
    );
    req.on('error', reject);
    const write = (offset: number): void => {
      if (offset >= body.length) return void req.end();
      // The server may answer (and stop reading) before the whole body is sent.
      if (req.destroyed) return;
      req.write(body.slice(offset, offset + 65_536), () => write(offset + 65_536));
    };
    write(0);
  });
}

it('refuses a 10 MB body with 413 and ERR_INPUT_TOO_LARGE at every endpoint, announced or streamed', async () => {
  const huge = 'a'.repeat(10 * 1024 * 1024);
  const seen: string[] = [];
  for (const e of endpoints) {
    for (const announceLength of [true, false]) {
      const body = e.form ? `vp_token=${huge}` : JSON.stringify({ preset: huge });
      const answer = await post(
        e.url,
        {
          ...e.headers,
          'content-type': e.form ? 'application/x-www-form-urlencoded' : 'application/json',
        },
        body,
        announceLength,
      );
      seen.push(
        `${e.name} ${announceLength ? 'with' : 'without'} length: ${answer.status} ${String(answer.json.sanad_code)}`,
      );
      expect({
        endpoint: e.name,
        announceLength,
        status: answer.status,
        code: answer.json.sanad_code,
      }).toEqual({ endpoint: e.name, announceLength, status: 413, code: 'ERR_INPUT_TOO_LARGE' });
    }
  }
  console.log(`huge bodies:\n  ${seen.join('\n  ')}`);
  expect((await post(`${services.issuerUrl}/nonce`, {}, '', true)).status).toBe(200);
}, 120_000);

it('refuses a body nested 100,000 deep (40,000 in a form) with 400 at every endpoint, never 500', async () => {
  const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
  const seen: string[] = [];
  for (const e of endpoints.filter((x) => x.name !== STRINGIFIED)) {
    // Within the body limit: the form's brackets are percent-encoded (3 bytes each), so it nests 40,000 deep.
    const body = e.form
      ? `vp_token=${encodeURIComponent(`{"q":${deep.slice(60_000, 140_000)}}`)}`
      : `{"${e.field}":${deep}}`;
    const answer = await post(
      e.url,
      {
        ...e.headers,
        'content-type': e.form ? 'application/x-www-form-urlencoded' : 'application/json',
      },
      body,
      true,
    );
    seen.push(
      `${e.name}: ${answer.status} ${String(answer.json.error)} ${String(answer.json.sanad_code)}`,
    );
  }
  console.log(`deeply nested bodies:\n  ${seen.join('\n  ')}`);
  for (const line of seen) expect(line).toMatch(/: 4\d\d /);
  expect((await post(`${services.issuerUrl}/nonce`, {}, '', true)).status).toBe(200);
}, 120_000);

// Passes while the stack overflow is there; when the String() removal is merged this fails: make it an `it`.
it(`refuses a deeply nested preset at ${STRINGIFIED} with 400`, async () => {
  const e = endpoints.find((x) => x.name === STRINGIFIED)!;
  const answer = await post(
    e.url,
    { ...e.headers, 'content-type': 'application/json' },
    `{"preset":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
    true,
  );
  console.log(
    `deeply nested preset at ${STRINGIFIED}: ${answer.status} ${String(answer.json.error)}`,
  );
  expect(answer.status).toBe(400);
});
