/** Shared pieces of the property tests: run counts, a generic credential type, mutations. */
import fc from 'fast-check';
import { type CredentialType, defineCredentialType } from '@sanad/issuer';

/**
 * Runs per property: a few hundred to a few thousand in the test suite; `pnpm fuzz` multiplies
 * them (SANAD_FUZZ_SCALE) for a long local run. Failures print fast-check's seed and path.
 */
export const runs = (n: number): number =>
  Math.max(1, Math.round(n * Number(process.env.SANAD_FUZZ_SCALE ?? 1)));

export const CLAIM_NAMES = ['c_0', 'c_1', 'c_2', 'c_3', 'c_4', 'c_5', 'c_6', 'c_7'] as const;

/** A type whose eight claims take any JSON value, all selectively disclosable. */
export const anyClaimsType: CredentialType = defineCredentialType({
  id: 'any-claims',
  vct: 'https://sanad.example/credentials/any-claims',
  vcType: 'AnyClaimsCredential',
  name: { en: 'Property test', fr: 'Test de propriété', ar: 'اختبار الخاصية' },
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(CLAIM_NAMES.map((n) => [n, true])),
  },
  selectivelyDisclosable: [...CLAIM_NAMES],
  validity: { days: 30 },
  claimDisplay: Object.fromEntries(CLAIM_NAMES.map((n) => [n, { en: n, fr: n, ar: n }])),
});

/**
 * Claim sets of 1 to 8 claims with arbitrary JSON values (unicode, nesting, numbers). A claim
 * whose whole value is null is left out: DCQL (dcql 3.0.0) treats it as absent, so it cannot be
 * requested (nulls inside values are generated).
 */
export const claimSets = fc
  .subarray([...CLAIM_NAMES], { minLength: 1 })
  .chain((names) =>
    fc.tuple(
      ...names.map((n) =>
        fc
          .jsonValue({ maxDepth: 3 })
          .filter((v) => v !== null)
          .map((v) => [n, v] as const),
      ),
    ),
  )
  .map((entries) => Object.fromEntries(entries) as Record<string, unknown>);

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** One way of changing a serialized token (an SD-JWT, a JWS, a JSON file). */
export type Mutation = (text: string) => string;

/** Byte flips, truncation, segment swaps, drops, duplicates, re-encodings and reorderings. */
export const mutations: fc.Arbitrary<Mutation> = fc.oneof(
  fc
    .tuple(
      fc.nat(),
      fc.constantFrom(...B64URL, '~', '.', '"', '{', '=', '+', '/', ' ', '\u0000', 'é'),
    )
    .map(
      ([at, c]): Mutation =>
        (t) => {
          const i = at % Math.max(1, t.length);
          return t.slice(0, i) + c + t.slice(i + 1);
        },
    ),
  fc.nat().map(
    (at): Mutation =>
      (t) =>
        t.slice(0, at % Math.max(1, t.length)),
  ),
  fc.tuple(fc.nat(), fc.nat()).map(
    ([a, b]): Mutation =>
      (t) => {
        const s = t.split('~');
        const [i, j] = [a % s.length, b % s.length];
        [s[i], s[j]] = [s[j]!, s[i]!];
        return s.join('~');
      },
  ),
  fc.nat().map(
    (at): Mutation =>
      (t) => {
        const s = t.split('~');
        s.splice(at % s.length, 1);
        return s.join('~');
      },
  ),
  fc.nat().map(
    (at): Mutation =>
      (t) => {
        const s = t.split('~');
        const i = at % s.length;
        s.splice(i, 0, s[i]!);
        return s.join('~');
      },
  ),
  fc.tuple(fc.nat(), fc.nat()).map(
    ([seg, part]): Mutation =>
      (t) => {
        // Re-encode one base64url part as padded standard base64: same bytes, other spelling.
        const s = t.split('~');
        const i = seg % s.length;
        const parts = s[i]!.split('.');
        const k = part % parts.length;
        parts[k] = Buffer.from(parts[k]!, 'base64url').toString('base64');
        s[i] = parts.join('.');
        return s.join('~');
      },
  ),
  fc.nat().map(
    (seed): Mutation =>
      (t) => {
        // Reorder the disclosures (everything between the issuer JWT and the KB-JWT).
        const s = t.split('~');
        if (s.length < 4) return t;
        const middle = s.slice(1, -1);
        const rotated = [
          ...middle.slice(seed % middle.length),
          ...middle.slice(0, seed % middle.length),
        ];
        return [s[0], ...rotated, s[s.length - 1]].join('~');
      },
  ),
  fc.tuple(fc.nat(), fc.nat(), fc.nat()).map(
    ([seg, part, at]): Mutation =>
      (t) => {
        // Flip one bit inside the decoded bytes of one part, then re-encode it properly.
        const s = t.split('~');
        const i = seg % s.length;
        const parts = s[i]!.split('.');
        const k = part % parts.length;
        const bytes = Buffer.from(parts[k]!, 'base64url');
        if (bytes.length === 0) return t;
        bytes[at % bytes.length]! ^= 1 << (at % 8);
        parts[k] = bytes.toString('base64url');
        s[i] = parts.join('.');
        return s.join('~');
      },
  ),
);

/** Applies one to three mutations in turn. */
export const mutated = (text: string): fc.Arbitrary<string> =>
  fc.array(mutations, { minLength: 1, maxLength: 3 }).map((ms) => ms.reduce((t, m) => m(t), text));

/** A typed Sanad error code: what every refusal must carry. */
export const TYPED_CODE = /^ERR_[A-Z0-9_]+$/;
