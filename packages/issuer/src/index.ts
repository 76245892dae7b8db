/** `@sanad/issuer`: credential types, batch issuance, status lists and the register. */
export {
  type CredentialType,
  type CredentialTypeDefinition,
  defineCredentialType,
  parseClaimPath,
  REQUIRED_LOCALES,
} from './credential-type.js';
export { refugeeStatusType } from './refugee-status.js';
export { base64urlSigner } from './did-jwt-signer.js';
export { type BbsKeyFile, bbsIssuerKeyFrom, generateBbsIssuerKey } from './bbs-key.js';
export {
  createIssuer,
  DEFAULT_STATUS_LIST_SIZE,
  DEFAULT_STATUS_LIST_VALIDITY_SECONDS,
  type BbsIssuerKey,
  Issuer,
  type IssueOptions,
  type IssueResult,
  type IssuerOptions,
  type KeyRevocationPlan,
  newIssuerSettings,
  type PublishedStatusList,
  type ReissueBatch,
  type RetiredSigner,
} from './issuer.js';
export type {
  AllocationOptions,
  CredentialStatus,
  IssuedCredentialRecord,
  IssuerKeyReference,
  IssuerSettings,
  IssuerStore,
  RegisterMove,
  RetiredKey,
  NewCredentialRecord,
  StatusListKind,
  StatusListRecord,
} from './store/issuer-store.js';
export { createMemoryIssuerStore } from './store/memory-store.js';
export { openSqliteIssuerStore, sqliteIssuerSchema } from './store/sqlite-store.js';
export { openPostgresIssuerStore, type PostgresStoreOptions } from './store/postgres-store.js';
export {
  loadBbsKeyFile,
  loadCertificateChainFile,
  loadIssuerKeyFile,
  saveBbsKeyFile,
  saveIssuerKeyFile,
} from './key-file.js';
export {
  describePostgres,
  type MovedRegister,
  moveRegister,
  type MoveRegisterOptions,
  type RegisterLocation,
} from './store/move-register.js';
export {
  addFolderBbsKey,
  BBS_KEY_FILE,
  CERTIFICATE_CHAIN_FILE,
  backupFolderRegister,
  type DatabaseOption,
  type InitIssuerFolderOptions,
  initIssuerFolder,
  ISSUER_KEY_FILE,
  type MoveFolderOptions,
  moveFolderRegister,
  type OpenedIssuerFolder,
  type OpenIssuerFolderOptions,
  openIssuerFolder,
  REGISTER_FILE,
  REGISTER_POINTER_FILE,
  RETIRED_KEYS_DIR,
  type RotatedKey,
  rotateFolderKey,
} from './issuer-folder.js';
