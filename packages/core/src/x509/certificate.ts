/**
 * X.509 certificates, as HAIP and ISO 18013-5 use them: an issuer's or verifier's key in a leaf
 * certificate whose chain leads to a trust anchor. pkijs parses and encodes the ASN.1; the
 * signatures go through Sanad's own {@link Signer} and crypto provider, so an HSM key signs a
 * certificate the same way it signs a credential, and no WebCrypto engine is needed.
 *
 * Keys: P-256 with ecdsa-with-SHA256 (HAIP's ES256) and Ed25519. Anything else is refused.
 */
import * as asn1js from 'asn1js';
import {
  AlgorithmIdentifier,
  AltName,
  AttributeTypeAndValue,
  BasicConstraints,
  Certificate,
  Extension,
  GeneralName,
  GeneralNames,
  PublicKeyInfo,
  RelativeDistinguishedNames,
} from 'pkijs';
import { fromBase64url, isStandardBase64, randomBytes, toBase64url } from '../encoding.js';
import { SanadError } from '../errors.js';
import { sha256 } from '../hash.js';
import { algorithmOfJwk, type JWK, type SignatureAlgorithm, type Signer } from '../keys.js';

const OID = {
  ecPublicKey: '1.2.840.10045.2.1',
  p256: '1.2.840.10045.3.1.7',
  ed25519: '1.3.101.112',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  country: '2.5.4.6',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
} as const;

/** Extensions Sanad understands; a certificate with any other critical extension is refused (RFC 5280 4.2). */
const KNOWN_EXTENSIONS = new Set<string>([
  OID.subjectKeyIdentifier,
  OID.keyUsage,
  OID.subjectAltName,
  OID.basicConstraints,
  OID.authorityKeyIdentifier,
  OID.extKeyUsage,
]);

/** keyUsage bits (RFC 5280 4.2.1.3), numbered from the most significant bit of the first byte. */
export const KEY_USAGE = { digitalSignature: 0, keyCertSign: 5, cRLSign: 6 } as const;

/** What Sanad reads of a certificate. */
export interface ParsedCertificate {
  /** The DER bytes. */
  der: Uint8Array;
  /** Standard base64 of the DER, as it travels in an `x5c` array. */
  base64: string;
  /** The subject's common name (and organisation), for people; never a trust decision. */
  subjectName: string;
  /** DER of the subject and issuer names: chains are built by exact name match. */
  subjectDer: Uint8Array;
  issuerDer: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  /** basicConstraints cA, and its path length limit when there is one. */
  isCa: boolean;
  pathLength?: number;
  /** keyUsage bits set, or undefined when the certificate has no keyUsage. */
  keyUsage?: Set<number>;
  uris: string[];
  dnsNames: string[];
  publicJwk: JWK;
  /** The to-be-signed bytes, the algorithm and the raw signature (`r||s` for ECDSA). */
  tbs: Uint8Array;
  signatureAlg: SignatureAlgorithm;
  signature: Uint8Array;
}

const bad = (message: string, cause?: unknown): SanadError =>
  new SanadError('ERR_X509_CERTIFICATE_INVALID', message, cause ? { cause } : undefined);

/** Standard base64 (with padding), which `x5c` uses (RFC 7515 4.1.6), never base64url. */
export function toBase64(bytes: Uint8Array): string {
  const url = toBase64url(bytes).replaceAll('-', '+').replaceAll('_', '/');
  return url + '='.repeat((4 - (url.length % 4)) % 4);
}

export function fromBase64(text: string): Uint8Array {
  if (!isStandardBase64(text)) throw bad('A certificate is not standard base64 DER.');
  return fromBase64url(text.replace(/=+$/, '').replaceAll('+', '-').replaceAll('/', '_'));
}

/** A PEM block or bare base64 DER, as people paste them, to base64 DER. */
export function certificateBase64(text: string): string {
  const body = text
    .replace(/-----BEGIN CERTIFICATE-----|-----END CERTIFICATE-----/g, '')
    .replace(/\s+/g, '');
  fromBase64(body);
  return body;
}

/** The certificate as PEM, for files people hand to other tools (openssl, an HSM console). */
export function toPem(base64: string): string {
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

const view = (buffer: ArrayBuffer | Uint8Array): Uint8Array =>
  buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);

const copy = (bytes: Uint8Array): ArrayBuffer => bytes.slice().buffer as ArrayBuffer;

/** An ASN.1 INTEGER's magnitude as exactly `size` bytes. */
function fixedWidth(integer: Uint8Array, size: number): Uint8Array {
  let start = 0;
  while (start < integer.length - 1 && integer[start] === 0) start++;
  const trimmed = integer.subarray(start);
  if (trimmed.length > size) throw bad('An ECDSA signature value is too long.');
  const out = new Uint8Array(size);
  out.set(trimmed, size - trimmed.length);
  return out;
}

/** DER ECDSA-Sig-Value to JWS `r||s`. */
function ecdsaRaw(der: Uint8Array): Uint8Array {
  const { result, offset } = asn1js.fromBER(copy(der));
  if (offset === -1 || !(result instanceof asn1js.Sequence) || result.valueBlock.value.length !== 2)
    throw bad('An ECDSA signature is not a DER sequence of two integers.');
  const [r, s] = result.valueBlock.value;
  if (!(r instanceof asn1js.Integer) || !(s instanceof asn1js.Integer))
    throw bad('An ECDSA signature is not a DER sequence of two integers.');
  const raw = new Uint8Array(64);
  raw.set(fixedWidth(r.valueBlock.valueHexView, 32), 0);
  raw.set(fixedWidth(s.valueBlock.valueHexView, 32), 32);
  return raw;
}

/** JWS `r||s` to DER ECDSA-Sig-Value (each integer minimal and positive). */
function ecdsaDer(raw: Uint8Array): Uint8Array {
  const integer = (half: Uint8Array) => {
    let start = 0;
    while (start < half.length - 1 && half[start] === 0 && (half[start + 1] ?? 0) < 0x80) start++;
    const bytes = half.subarray(start);
    const positive = (bytes[0] ?? 0) >= 0x80 ? Uint8Array.of(0, ...bytes) : bytes;
    return new asn1js.Integer({ valueHex: copy(positive) });
  };
  return view(
    new asn1js.Sequence({
      value: [integer(raw.subarray(0, 32)), integer(raw.subarray(32))],
    }).toBER(),
  );
}

function publicJwkOfSpki(spki: PublicKeyInfo): JWK {
  const key = spki.subjectPublicKey.valueBlock.valueHexView;
  const alg = spki.algorithm.algorithmId;
  if (alg === OID.ed25519 && key.length === 32)
    return { kty: 'OKP', crv: 'Ed25519', x: toBase64url(key) };
  const curve = spki.algorithm.algorithmParams;
  if (
    alg === OID.ecPublicKey &&
    curve instanceof asn1js.ObjectIdentifier &&
    curve.valueBlock.toString() === OID.p256 &&
    key.length === 65 &&
    key[0] === 4
  ) {
    return {
      kty: 'EC',
      crv: 'P-256',
      x: toBase64url(key.subarray(1, 33)),
      y: toBase64url(key.subarray(33)),
    };
  }
  throw bad('The certificate key is not P-256 or Ed25519.');
}

function spkiOfJwk(jwk: JWK): PublicKeyInfo {
  const alg = algorithmOfJwk(jwk);
  if (alg === 'EdDSA') {
    return new PublicKeyInfo({
      algorithm: new AlgorithmIdentifier({ algorithmId: OID.ed25519 }),
      subjectPublicKey: new asn1js.BitString({ valueHex: copy(fromBase64url(jwk.x as string)) }),
    });
  }
  const point = Uint8Array.of(
    4,
    ...fromBase64url(jwk.x as string),
    ...fromBase64url(jwk.y as string),
  );
  return new PublicKeyInfo({
    algorithm: new AlgorithmIdentifier({
      algorithmId: OID.ecPublicKey,
      algorithmParams: new asn1js.ObjectIdentifier({ value: OID.p256 }),
    }),
    subjectPublicKey: new asn1js.BitString({ valueHex: copy(point) }),
  });
}

function nameText(names: RelativeDistinguishedNames): string {
  const parts = names.typesAndValues
    .filter((tv) => tv.type === OID.commonName || tv.type === OID.organization)
    .map((tv): unknown => tv.value.valueBlock.value)
    .filter((v): v is string => typeof v === 'string');
  return parts.join(', ');
}

function keyUsageBits(extension: Extension): Set<number> {
  const { result } = asn1js.fromBER(copy(view(extension.extnValue.valueBlock.valueHexView)));
  if (!(result instanceof asn1js.BitString)) throw bad('The keyUsage extension is malformed.');
  const bytes = result.valueBlock.valueHexView;
  const bits = new Set<number>();
  bytes.forEach((byte, i) => {
    for (let b = 0; b < 8; b++) if (byte & (0x80 >> b)) bits.add(i * 8 + b);
  });
  return bits;
}

/**
 * Parses one certificate (standard base64 DER, as in `x5c`).
 *
 * @example
 * ```ts
 * const leaf = parseCertificate(header.x5c[0])
 * leaf.uris // ['https://issuer.example.org']
 * ```
 */
export function parseCertificate(base64: string): ParsedCertificate {
  const der = fromBase64(base64);
  let cert: Certificate;
  try {
    cert = Certificate.fromBER(copy(der));
  } catch (cause) {
    throw bad('A certificate is not DER X.509.', cause);
  }
  if (cert.version !== 2) throw bad('A certificate is not X.509 version 3.');
  const sigAlg = cert.signatureAlgorithm.algorithmId;
  if (sigAlg !== cert.signature.algorithmId) throw bad('The two signature algorithms differ.');
  const rawSig = cert.signatureValue.valueBlock.valueHexView;
  let signatureAlg: SignatureAlgorithm;
  let signature: Uint8Array;
  if (sigAlg === OID.ecdsaWithSha256) {
    signatureAlg = 'ES256';
    signature = ecdsaRaw(rawSig);
  } else if (sigAlg === OID.ed25519) {
    signatureAlg = 'EdDSA';
    signature = rawSig.slice();
  } else {
    throw bad('A certificate is signed with an algorithm other than ES256 or EdDSA.');
  }

  let isCa = false;
  let pathLength: number | undefined;
  let keyUsage: Set<number> | undefined;
  const uris: string[] = [];
  const dnsNames: string[] = [];
  const seen = new Set<string>();
  for (const extension of cert.extensions ?? []) {
    if (seen.has(extension.extnID)) throw bad('A certificate repeats an extension.');
    seen.add(extension.extnID);
    if (!KNOWN_EXTENSIONS.has(extension.extnID)) {
      if (extension.critical)
        throw bad('A certificate has a critical extension Sanad does not know.');
      continue;
    }
    const parsed = extension.parsedValue;
    if (extension.extnID === OID.basicConstraints && parsed instanceof BasicConstraints) {
      isCa = parsed.cA;
      const limit = parsed.pathLenConstraint;
      if (limit !== undefined)
        pathLength = typeof limit === 'number' ? limit : limit.valueBlock.valueDec;
    } else if (extension.extnID === OID.keyUsage) {
      keyUsage = keyUsageBits(extension);
    } else if (extension.extnID === OID.subjectAltName && parsed instanceof AltName) {
      for (const name of parsed.altNames) {
        // IA5Strings, which pkijs gives as text: anything else is not a name to match.
        if (typeof name.value !== 'string') continue;
        if (name.type === 6) uris.push(name.value);
        if (name.type === 2) dnsNames.push(name.value.toLowerCase());
      }
    }
  }

  return {
    der,
    base64,
    subjectName: nameText(cert.subject),
    subjectDer: view(cert.subject.toSchema().toBER()),
    issuerDer: view(cert.issuer.toSchema().toBER()),
    notBefore: cert.notBefore.value,
    notAfter: cert.notAfter.value,
    isCa,
    ...(pathLength !== undefined ? { pathLength } : {}),
    ...(keyUsage ? { keyUsage } : {}),
    uris,
    dnsNames,
    publicJwk: publicJwkOfSpki(cert.subjectPublicKeyInfo),
    tbs: view(cert.tbsView),
    signatureAlg,
    signature,
  };
}

/** Whether `certificate` is for the public key `jwk` (same type, curve and point). */
export function certifiesKey(certificate: ParsedCertificate, jwk: JWK): boolean {
  const k = certificate.publicJwk;
  return k.kty === jwk.kty && k.crv === jwk.crv && k.x === jwk.x && k.y === jwk.y;
}

/** The SHA-256 of a certificate's DER, base64url: OpenID4VP's `x509_hash` client identifier. */
export function certificateHash(base64: string): string {
  return toBase64url(sha256(fromBase64(base64)));
}

export interface CertificateName {
  commonName: string;
  organization?: string;
  /** ISO 3166 alpha-2 (ISO 18013-5 requires it on IACA and document signer certificates). */
  country?: string;
}

export interface CreateCertificateOptions {
  subject: CertificateName;
  subjectPublicJwk: JWK;
  /** The issuing certificate (base64 DER); omitted for a self-signed root. */
  issuerCertificate?: string;
  /** Seconds since the epoch. */
  notBefore: number;
  notAfter: number;
  /** A CA certificate (a root or an intermediate), with an optional path length limit. */
  ca?: { pathLength?: number };
  /** Subject alternative names: URIs (an SD-JWT VC https issuer) and DNS names (an `x509_san_dns` verifier). */
  uris?: string[];
  dnsNames?: string[];
}

function distinguishedName(name: CertificateName): RelativeDistinguishedNames {
  const entries: Array<[string, asn1js.Utf8String | asn1js.PrintableString]> = [];
  if (name.country)
    entries.push([OID.country, new asn1js.PrintableString({ value: name.country })]);
  if (name.organization)
    entries.push([OID.organization, new asn1js.Utf8String({ value: name.organization })]);
  entries.push([OID.commonName, new asn1js.Utf8String({ value: name.commonName })]);
  return new RelativeDistinguishedNames({
    typesAndValues: entries.map(([type, value]) => new AttributeTypeAndValue({ type, value })),
  });
}

function extension(extnID: string, critical: boolean, value: asn1js.BaseBlock): Extension {
  return new Extension({ extnID, critical, extnValue: value.toBER() });
}

/** A key identifier: the first 20 bytes of the SHA-256 of the public key (RFC 7093 method 1). */
function keyIdentifier(jwk: JWK): Uint8Array {
  return sha256(view(spkiOfJwk(jwk).subjectPublicKey.valueBlock.valueHexView)).subarray(0, 20);
}

/**
 * Creates a certificate signed by `signer` (the issuing CA's key, or the subject's own for a root).
 * For test PKIs and the sandbox: an agency's production certificates come from its own PKI.
 *
 * @example
 * ```ts
 * const root = await createCertificate({ subject: { commonName: 'Test root' }, subjectPublicJwk: rootKey.publicJwk,
 *   notBefore, notAfter, ca: {} }, rootSigner)
 * ```
 */
export async function createCertificate(
  options: CreateCertificateOptions,
  signer: Signer,
): Promise<string> {
  const issuer = options.issuerCertificate
    ? Certificate.fromBER(copy(fromBase64(options.issuerCertificate)))
    : undefined;
  const issuerJwk = issuer
    ? publicJwkOfSpki(issuer.subjectPublicKeyInfo)
    : options.subjectPublicJwk;
  const cert = new Certificate();
  cert.version = 2;
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x01;
  cert.serialNumber = new asn1js.Integer({ valueHex: copy(serial) });
  cert.subject = distinguishedName(options.subject);
  cert.issuer = issuer ? issuer.subject : distinguishedName(options.subject);
  cert.notBefore.value = new Date(options.notBefore * 1000);
  cert.notAfter.value = new Date(options.notAfter * 1000);
  cert.subjectPublicKeyInfo = spkiOfJwk(options.subjectPublicJwk);

  const usage = options.ca
    ? (1 << (7 - KEY_USAGE.keyCertSign)) | (1 << (7 - KEY_USAGE.cRLSign))
    : 1 << (7 - KEY_USAGE.digitalSignature);
  const extensions = [
    extension(
      OID.basicConstraints,
      true,
      new BasicConstraints({
        cA: options.ca !== undefined,
        ...(options.ca?.pathLength !== undefined
          ? { pathLenConstraint: options.ca.pathLength }
          : {}),
      }).toSchema(),
    ),
    extension(
      OID.keyUsage,
      true,
      new asn1js.BitString({
        valueHex: copy(Uint8Array.of(usage)),
        unusedBits: options.ca ? 1 : 7,
      }),
    ),
    extension(
      OID.subjectKeyIdentifier,
      false,
      new asn1js.OctetString({ valueHex: copy(keyIdentifier(options.subjectPublicJwk)) }),
    ),
    extension(
      OID.authorityKeyIdentifier,
      false,
      new asn1js.Sequence({
        value: [
          new asn1js.Primitive({
            idBlock: { tagClass: 3, tagNumber: 0 },
            valueHex: copy(keyIdentifier(issuerJwk)),
          }),
        ],
      }),
    ),
  ];
  const names = [
    ...(options.uris ?? []).map((value) => new GeneralName({ type: 6, value })),
    ...(options.dnsNames ?? []).map((value) => new GeneralName({ type: 2, value })),
  ];
  if (names.length > 0)
    extensions.push(extension(OID.subjectAltName, false, new GeneralNames({ names }).toSchema()));
  cert.extensions = extensions;

  const algorithmId = signer.alg === 'ES256' ? OID.ecdsaWithSha256 : OID.ed25519;
  cert.signature = new AlgorithmIdentifier({ algorithmId });
  cert.signatureAlgorithm = new AlgorithmIdentifier({ algorithmId });
  const tbs = view(cert.encodeTBS().toBER());
  const raw = await signer.sign(tbs);
  cert.tbsView = tbs;
  cert.signatureValue = new asn1js.BitString({
    valueHex: copy(signer.alg === 'ES256' ? ecdsaDer(raw) : raw),
  });
  return toBase64(view(cert.toSchema().toBER()));
}
