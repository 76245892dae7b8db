/**
 * `@sanad/core/x509`: X.509 certificates and chains (HAIP, ISO 18013-5). Its own entry point, so
 * a wallet or desk that never meets a certificate never loads the ASN.1 code (pkijs).
 */
export { CertificateAuthority, type IssueCertificateOptions } from './authority.js';
export {
  type CertificateName,
  type CreateCertificateOptions,
  certificateBase64,
  certificateHash,
  certifiesKey,
  createCertificate,
  type ParsedCertificate,
  parseCertificate,
  toPem,
} from './certificate.js';
export {
  MAX_CHAIN_LENGTH,
  namesIssuer,
  type VerifiedChain,
  verifyCertificateChain,
  verifyCertificatePath,
} from './chain.js';
