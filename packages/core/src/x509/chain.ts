/**
 * Certificate path validation for `x5c` chains (RFC 5280 section 6, the parts a HAIP or mdoc
 * chain needs): leaf first, each certificate signed by the next, the last signed by a trust
 * anchor the verifier holds, every one within its validity period, every issuer a CA allowed to
 * sign certificates, path lengths respected. Names are matched byte for byte (DER), which the
 * certificates a PKI issues from its own CA always satisfy.
 */
import { cryptoProvider } from '../crypto.js';
import { SanadError } from '../errors.js';
import { algorithmOfJwk } from '../keys.js';
import { KEY_USAGE, type ParsedCertificate, parseCertificate } from './certificate.js';

/** Longer chains than this are refused unread: real ones have two or three certificates. */
export const MAX_CHAIN_LENGTH = 8;

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((byte, i) => byte === b[i]);

const chainInvalid = (message: string): SanadError =>
  new SanadError('ERR_X509_CHAIN_INVALID', message);

async function signedBy(child: ParsedCertificate, issuer: ParsedCertificate): Promise<boolean> {
  if (!sameBytes(child.issuerDer, issuer.subjectDer)) return false;
  if (algorithmOfJwk(issuer.publicJwk) !== child.signatureAlg) return false;
  try {
    return await cryptoProvider().verify(
      issuer.publicJwk,
      child.signatureAlg,
      child.tbs,
      child.signature,
    );
  } catch {
    return false;
  }
}

function mayIssue(issuer: ParsedCertificate, below: number): string | undefined {
  if (!issuer.isCa) return `"${issuer.subjectName}" is not a CA certificate.`;
  if (issuer.keyUsage && !issuer.keyUsage.has(KEY_USAGE.keyCertSign))
    return `"${issuer.subjectName}" may not sign certificates (keyUsage).`;
  if (issuer.pathLength !== undefined && below > issuer.pathLength)
    return `"${issuer.subjectName}" allows ${issuer.pathLength} intermediate CAs below it.`;
  return undefined;
}

export interface VerifiedChain {
  leaf: ParsedCertificate;
  /** Indexes into the anchors given of those that issued the top of the chain. */
  anchors: number[];
  /** When every certificate of the chain and its anchor is valid (seconds): a cached result holds in between. */
  validFrom: number;
  validUntil: number;
}

function parseChain(x5c: unknown): ParsedCertificate[] {
  if (
    !Array.isArray(x5c) ||
    x5c.length === 0 ||
    x5c.length > MAX_CHAIN_LENGTH ||
    x5c.some((c) => typeof c !== 'string')
  ) {
    throw new SanadError(
      'ERR_X509_CERTIFICATE_INVALID',
      `x5c must be an array of 1 to ${MAX_CHAIN_LENGTH} base64 certificates.`,
    );
  }
  return (x5c as string[]).map(parseCertificate);
}

/** The leaf's own constraints and each link up the chain (not the anchor, not the dates). */
async function checkLinks(chain: readonly ParsedCertificate[]): Promise<void> {
  const leaf = chain[0]!;
  if (await signedBy(leaf, leaf)) throw chainInvalid('The signing certificate is self-signed.');
  if (leaf.keyUsage && !leaf.keyUsage.has(KEY_USAGE.digitalSignature))
    throw chainInvalid('The signing certificate is not for digital signatures (keyUsage).');
  for (let i = 0; i + 1 < chain.length; i++) {
    const issuer = chain[i + 1]!;
    const refused = mayIssue(issuer, i);
    if (refused) throw chainInvalid(refused);
    if (!(await signedBy(chain[i]!, issuer)))
      throw chainInvalid(`"${chain[i]!.subjectName}" is not signed by the next certificate.`);
  }
}

function checkDates(certificates: readonly ParsedCertificate[], now: number): void {
  const at = new Date(now * 1000);
  for (const cert of certificates) {
    if (at < cert.notBefore || at > cert.notAfter)
      throw new SanadError(
        'ERR_X509_CERTIFICATE_EXPIRED',
        `"${cert.subjectName}" is valid from ${cert.notBefore.toISOString()} to ${cert.notAfter.toISOString()}.`,
      );
  }
}

/**
 * Validates an `x5c` chain against trust anchors at `now` (seconds since the epoch).
 * A chain that ends with one of the anchors themselves is accepted (HAIP says it should not
 * carry it; it adds nothing). The leaf must not be self-signed and, if it states its key usage,
 * must be for signatures.
 *
 * @example
 * ```ts
 * const { leaf } = await verifyCertificateChain(header.x5c, [rootCertificate], Date.now() / 1000)
 * ```
 */
export async function verifyCertificateChain(
  x5c: unknown,
  anchors: readonly string[],
  now: number,
): Promise<VerifiedChain> {
  let roots: ParsedCertificate[];
  try {
    roots = anchors.map(parseCertificate);
  } catch (cause) {
    throw new SanadError('ERR_TRUST_LIST_INVALID', 'A trust anchor is not a usable certificate.', {
      cause,
    });
  }
  const chain = parseChain(x5c);
  while (chain.length > 1 && roots.some((r) => sameBytes(r.der, chain.at(-1)!.der))) chain.pop();
  await checkLinks(chain);

  const top = chain.at(-1)!;
  const found: number[] = [];
  for (const [index, root] of roots.entries()) {
    if (mayIssue(root, chain.length - 1) === undefined && (await signedBy(top, root)))
      found.push(index);
  }
  // Not "forged" when a name matches but the key does not: a CA renewing its root keeps its name.
  if (found.length === 0) throw new SanadError('ERR_X509_UNTRUSTED');
  const dated = [...chain, roots[found[0]!]!];
  checkDates(dated, now);
  return {
    leaf: chain[0]!,
    anchors: found,
    validFrom: Math.max(...dated.map((c) => c.notBefore.getTime() / 1000)),
    validUntil: Math.min(...dated.map((c) => c.notAfter.getTime() / 1000)),
  };
}

/**
 * Validates an `x5c` chain in itself, for a party that holds no anchor for it (a wallet meeting
 * a verifier's request): links, constraints and dates, the top taken as given. It proves only
 * that the leaf key signed; who vouches for the names is for the caller to say.
 */
export async function verifyCertificatePath(x5c: unknown, now: number): Promise<ParsedCertificate> {
  const chain = parseChain(x5c);
  await checkLinks(chain);
  checkDates(chain, now);
  return chain[0]!;
}

/**
 * Whether an issuer identifier names the leaf (draft-ietf-oauth-sd-jwt-vc, X.509 mechanism):
 * a `dns:` URI must match a dNSName SAN, anything else a uniformResourceIdentifier SAN exactly.
 */
export function namesIssuer(leaf: ParsedCertificate, issuer: string): boolean {
  if (issuer.startsWith('dns:')) return leaf.dnsNames.includes(issuer.slice(4).toLowerCase());
  return leaf.uris.includes(issuer);
}
