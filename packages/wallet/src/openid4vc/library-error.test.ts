import { describe, expect, it } from 'vitest';
import { describeLibraryError, linkSecrets, withoutSecrets } from './library-error.js';

const CODE = 'pre-auth code/with+specials';

describe('protocol errors without secrets (issue 14: the pre-authorized code echoed in an error)', () => {
  it('collects the link, its parameters and every string of an offer by value', () => {
    const link = `openid-credential-offer://?credential_offer=${encodeURIComponent(JSON.stringify({ credential_issuer: 'https://issuer.example', grants: { g: { 'pre-authorized_code': CODE } } }))}`;
    expect(linkSecrets(link)).toEqual(
      expect.arrayContaining([link, CODE, 'https://issuer.example']),
    );
  });

  it('takes a secret out however the other side quotes it: as sent, in a link, in a form body, in JSON', () => {
    const quoted = `a ${CODE} b ${encodeURIComponent(CODE)} c ${new URLSearchParams({ c: CODE }).toString()} d ${JSON.stringify({ c: CODE })}`;
    const safe = withoutSecrets(quoted, [CODE, undefined]);
    expect(safe).not.toContain('pre-auth');
    expect(safe).toBe('a … b … c c=… d {"c":"…"}');
    expect(withoutSecrets('x\u001b[2Jy', [])).toBe('x[2Jy');
  });

  it("describes a library's validation error by its schema issues, never the data it quotes", () => {
    const err = new Error(
      `Error validating schema with data {"request_uri":"http://x.example/${CODE}"}\n✖ Url must be an https:// url`,
    );
    Object.defineProperty(err, 'zodError', {
      value: { issues: [{ path: ['request_uri'], message: 'Url must be an https:// url' }] },
    });
    expect(describeLibraryError(err, [])).toBe('request_uri: Url must be an https:// url');
    expect(describeLibraryError(new Error(`Cannot parse '${CODE}'\nmore`), [CODE])).toBe(
      "Cannot parse '…'",
    );
  });
});
