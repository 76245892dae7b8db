/**
 * A small certificate authority: a root key and its self-signed certificate, issuing leaf (and
 * intermediate) certificates. For test PKIs, the sandbox and `sanad pki`; an agency's production
 * certificates come from its own PKI, its root key offline (docs/x509.md).
 */
import { generateKeyPair, type JWK, type SignatureAlgorithm, signerFromJwk } from '../keys.js';
import { type CertificateName, createCertificate } from './certificate.js';

const DAY = 86_400;

export interface IssueCertificateOptions {
  subject: CertificateName;
  publicJwk: JWK;
  /** Seconds since the epoch (default: the authority's clock). */
  notBefore?: number;
  days: number;
  uris?: string[];
  dnsNames?: string[];
  ca?: { pathLength?: number };
}

export class CertificateAuthority {
  /** The CA certificate, standard base64 DER: the trust anchor verifiers hold. */
  readonly certificate: string;
  readonly #privateJwk: JWK;

  constructor(certificate: string, privateJwk: JWK) {
    this.certificate = certificate;
    this.#privateJwk = privateJwk;
  }

  /** The CA's private key, to keep offline (`sanad pki init` writes it owner-only). */
  get privateJwk(): JWK {
    return this.#privateJwk;
  }

  /**
   * A new root CA with a fresh key.
   *
   * @example
   * ```ts
   * const root = await CertificateAuthority.create({ subject: { commonName: 'Agency test root' }, days: 3650 })
   * const leaf = await root.issue({ subject: { commonName: 'Issuer' }, publicJwk, days: 365, uris: [issuerUrl] })
   * ```
   */
  static async create(options: {
    subject: CertificateName;
    days: number;
    alg?: SignatureAlgorithm;
    notBefore?: number;
  }): Promise<CertificateAuthority> {
    const { publicJwk, privateJwk } = await generateKeyPair(options.alg ?? 'ES256');
    const notBefore = options.notBefore ?? Math.floor(Date.now() / 1000) - DAY;
    const certificate = await createCertificate(
      {
        subject: options.subject,
        subjectPublicJwk: publicJwk,
        notBefore,
        notAfter: notBefore + options.days * DAY,
        ca: {},
      },
      await signerFromJwk(privateJwk),
    );
    return new CertificateAuthority(certificate, privateJwk);
  }

  /** A certificate for `publicJwk`, signed by this CA. Back-dated a day, for clocks that lag. */
  async issue(options: IssueCertificateOptions): Promise<string> {
    const notBefore = options.notBefore ?? Math.floor(Date.now() / 1000) - DAY;
    return createCertificate(
      {
        subject: options.subject,
        subjectPublicJwk: options.publicJwk,
        issuerCertificate: this.certificate,
        notBefore,
        notAfter: notBefore + options.days * DAY,
        ...(options.uris ? { uris: options.uris } : {}),
        ...(options.dnsNames ? { dnsNames: options.dnsNames } : {}),
        ...(options.ca ? { ca: options.ca } : {}),
      },
      await signerFromJwk(this.#privateJwk),
    );
  }
}
