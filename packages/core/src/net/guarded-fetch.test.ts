import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGuardedFetch } from './guarded-fetch.js';
import { isInternalAddress } from './ip-address.js';
import { nodeHostResolver } from '../node/host-resolver.js';

describe('address classification', () => {
  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '10.0.0.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    '[::1]',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '[::ffff:7f00:1]',
    '::ffff:10.0.0.1',
    '64:ff9b::a9fe:a9fe',
    '2002:7f00:1::',
    '::127.0.0.1',
    'fe80::1%eth0',
    'not-an-ip',
  ])('%s is internal', (ip) => expect(isInternalAddress(ip)).toBe(true));

  it.each([
    '93.184.215.14',
    '8.8.8.8',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700::1111',
    '::ffff:8.8.8.8',
    '[2a00:1450:4001::200e]',
  ])('%s is public', (ip) => expect(isInternalAddress(ip)).toBe(false));

  it('the URL parser normalises other spellings of loopback, which are then refused', async () => {
    const get = createGuardedFetch();
    for (const url of [
      'https://127.1/',
      'https://0x7f000001/',
      'https://2130706433/',
      'https://[::ffff:127.0.0.1]/',
      'https://localhost/',
      'https://app.localhost./',
    ]) {
      await expect(get(url)).rejects.toMatchObject({ code: 'ERR_FETCH_URL_FORBIDDEN' });
    }
  });
});

describe('guarded fetch', () => {
  let base: string;
  const server = createServer((req, res) => {
    if (req.url === '/big') return void res.end('x'.repeat(2048));
    if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2000);
    if (req.url === '/redirect') return void res.writeHead(302, { location: '/ok' }).end();
    res.end('ok');
  });
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server.close());

  it('refuses http and loopback by default, allows them only when told', async () => {
    await expect(createGuardedFetch()(`${base}/ok`)).rejects.toMatchObject({
      code: 'ERR_FETCH_URL_FORBIDDEN',
    });
    const get = createGuardedFetch({ allowInsecure: true });
    expect(new TextDecoder().decode((await get(`${base}/ok`)).body)).toBe('ok');
    expect((await get(`${base}/redirect`)).url).toBe(`${base}/ok`);
  });

  it('caps size and time', async () => {
    await expect(
      createGuardedFetch({ allowInsecure: true, maxBytes: 1024 })(`${base}/big`),
    ).rejects.toMatchObject({ code: 'ERR_FETCH_TOO_LARGE' });
    await expect(
      createGuardedFetch({ allowInsecure: true, timeoutMs: 200 })(`${base}/slow`),
    ).rejects.toMatchObject({ code: 'ERR_FETCH_TIMEOUT' });
  });

  it('refuses credentials in URLs, names resolving to private addresses, and redirects to internal targets', async () => {
    await expect(createGuardedFetch()('https://user:pw@example.org/')).rejects.toMatchObject({
      code: 'ERR_FETCH_URL_FORBIDDEN',
    });
    await expect(
      createGuardedFetch({ resolveHost: async () => ['93.184.215.14', '10.0.0.7'] })(
        'https://rebind.example/',
      ),
    ).rejects.toMatchObject({ code: 'ERR_FETCH_URL_FORBIDDEN' });
    // A public server that redirects to the cloud metadata address: each hop is checked.
    const publicServer: typeof fetch = async (input) =>
      String(input).startsWith('https://public.example')
        ? new Response(null, {
            status: 302,
            headers: { location: 'http://169.254.169.254/latest' },
          })
        : new Response('secret');
    await expect(
      createGuardedFetch({ fetch: publicServer, resolveHost: async () => ['93.184.215.14'] })(
        'https://public.example/',
      ),
    ).rejects.toMatchObject({ code: 'ERR_FETCH_URL_FORBIDDEN' });
    const httpsInternal: typeof fetch = async () =>
      new Response(null, { status: 302, headers: { location: 'https://10.1.1.1/' } });
    await expect(
      createGuardedFetch({ fetch: httpsInternal, resolveHost: async () => ['93.184.215.14'] })(
        'https://public.example/',
      ),
    ).rejects.toMatchObject({ code: 'ERR_FETCH_URL_FORBIDDEN' });
  });

  it('the Node resolver finds the addresses a name would be dialled at', async () => {
    expect(await nodeHostResolver('localhost')).toEqual(
      expect.arrayContaining([expect.stringMatching(/^(127\.0\.0\.1|::1)$/)]),
    );
    await expect(nodeHostResolver('no-such-host.invalid')).rejects.toMatchObject({
      code: 'ERR_FETCH_FAILED',
    });
  });
});
