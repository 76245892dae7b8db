/**
 * Quick unlock: the wallet's session key, kept on this device under two locks, so a PIN or a
 * passkey opens the wallet without the slow passphrase derivation.
 *
 * - The outer lock is an AES-GCM key made by WebCrypto as non-extractable and kept in IndexedDB:
 *   page scripts can use it but never read it out, so the kept key cannot be exported and
 *   guessed at elsewhere through this page. (A raw copy of the browser profile on disk does
 *   include it: against that, only the inner lock and the passphrase remain.)
 * - The inner lock comes from the PIN through PBKDF2 (a quick KDF: 10^6 PINs are no match for a
 *   slow one anyway), or from the passkey's PRF output, which never leaves the authenticator
 *   unasked.
 *
 * On this device PIN guesses are limited: each attempt is counted and stored before the PIN is
 * tried, and the 5th wrong one erases the kept key, so the passphrase is needed again.
 */
import { SanadError } from '@sanad/core';

const DATABASE = 'sanad-quick-unlock';
const STORE = 'quick';
export const PIN_ATTEMPTS = 5;
export const PIN_PATTERN = /^\d{6}$/;
const PIN_ITERATIONS = 100_000;

export type QuickMethod = 'pin' | 'passkey';
/** What WebCrypto takes: bytes on a plain ArrayBuffer. */
type Bytes = Uint8Array<ArrayBuffer>;

interface KeptKey {
  /** The outer lock: usable here, never readable. */
  deviceKey: CryptoKey;
  outerIv: Bytes;
  /** AES-GCM(deviceKey, innerIv || AES-GCM(inner key, session key)). */
  sealed: Bytes;
  /** PIN: the PBKDF2 salt; passkey: the PRF input. */
  salt: Bytes;
  /** Wrong PINs since the last right one, stored before each attempt. */
  failures: number;
  /** The passkey's credential id. */
  credentialId?: Bytes;
}

const storageFailed = (error: DOMException | null) =>
  new SanadError(
    'ERR_STORAGE',
    `The browser storage failed: ${error?.message ?? 'unknown error'}.`,
    { cause: error },
  );

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(storageFailed(req.error));
  });
}

async function withStore<T>(
  mode: IDBTransactionMode,
  work: (store: IDBObjectStore) => IDBRequest<T> | void,
): Promise<T | undefined> {
  const open = indexedDB.open(DATABASE, 1);
  let absent = false;
  open.onupgradeneeded = () => {
    // Looking must not create the database: after "delete everything" nothing of it is left.
    if (mode === 'readonly') {
      absent = true;
      open.transaction?.abort();
    } else open.result.createObjectStore(STORE);
  };
  const db = await request(open).catch((error: unknown) => {
    if (absent) return undefined;
    throw error;
  });
  if (db === undefined) return undefined;
  try {
    const tx = db.transaction(STORE, mode, { durability: 'strict' });
    const req = work(tx.objectStore(STORE));
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = tx.onabort = () => reject(storageFailed(tx.error));
    });
    return req?.result;
  } finally {
    db.close();
  }
}

const read = (method: QuickMethod) =>
  withStore<KeptKey | undefined>(
    'readonly',
    (store) => store.get(method) as IDBRequest<KeptKey | undefined>,
  );

/** Which quick unlocks this device has. */
export async function quickMethods(): Promise<QuickMethod[]> {
  const kept = await withStore<IDBValidKey[]>('readonly', (store) => store.getAllKeys());
  return (kept ?? []).filter((k): k is QuickMethod => k === 'pin' || k === 'passkey');
}

/** Turns one quick unlock off, or all of them (passphrase changed, wallet erased): then the database goes. */
export async function removeQuickUnlock(method?: QuickMethod): Promise<void> {
  if (method) await withStore('readwrite', (store) => store.delete(method));
  else await request(indexedDB.deleteDatabase(DATABASE));
}

/** Deletes the quick-unlock database itself: "delete everything" leaves no trace of it. */
export async function eraseQuickUnlock(): Promise<void> {
  await request(indexedDB.deleteDatabase(DATABASE));
}

const bytes = (n: number): Bytes => crypto.getRandomValues(new Uint8Array(n));
const concat = (a: Bytes, b: Bytes): Bytes => {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
};

async function pinKey(pin: string, salt: Bytes): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(pin),
    'PBKDF2',
    false,
    ['deriveKey'],
  );
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations: PIN_ITERATIONS },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

async function prfKey(prfOutput: ArrayBuffer): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', prfOutput, 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    {
      name: 'HKDF',
      hash: 'SHA-256',
      salt: new Uint8Array(),
      info: new TextEncoder().encode('sanad quick unlock v1'),
    },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

async function keep(
  method: QuickMethod,
  sessionKey: Uint8Array,
  inner: CryptoKey,
  salt: Bytes,
  credentialId?: Bytes,
): Promise<void> {
  const deviceKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
    'encrypt',
    'decrypt',
  ]);
  const innerIv = bytes(12);
  const innerSealed = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv: innerIv },
      inner,
      new Uint8Array(sessionKey),
    ),
  );
  const outerIv = bytes(12);
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv: outerIv },
      deviceKey,
      concat(innerIv, innerSealed),
    ),
  );
  const kept: KeptKey = {
    deviceKey,
    outerIv,
    sealed,
    salt,
    failures: 0,
    ...(credentialId ? { credentialId } : {}),
  };
  await withStore('readwrite', (store) => store.put(kept, method));
}

/** Both locks off; `undefined` when the inner key is wrong (a wrong PIN). */
async function unseal(kept: KeptKey, inner: CryptoKey): Promise<Uint8Array | undefined> {
  const opened = new Uint8Array(
    await crypto.subtle.decrypt({ name: 'AES-GCM', iv: kept.outerIv }, kept.deviceKey, kept.sealed),
  );
  try {
    return new Uint8Array(
      await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: opened.slice(0, 12) },
        inner,
        opened.slice(12),
      ),
    );
  } catch {
    return undefined;
  }
}

/** Keeps the session key under a 6-digit PIN (replacing an earlier PIN). */
export async function enablePin(pin: string, sessionKey: Uint8Array): Promise<void> {
  if (!PIN_PATTERN.test(pin)) throw new SanadError('ERR_INVALID_INPUT', 'The PIN is 6 digits.');
  const salt = bytes(16);
  await keep('pin', sessionKey, await pinKey(pin, salt), salt);
}

export type PinOutcome =
  | { sessionKey: Uint8Array }
  | { wrong: true; triesLeft: number }
  | { erased: true };

/**
 * Tries a PIN. The attempt is counted (in one transaction, so two tabs cannot both skip it)
 * before the PIN is tried; the last allowed wrong PIN erases the kept key.
 */
export async function unlockWithPin(pin: string): Promise<PinOutcome> {
  let kept = undefined as KeptKey | undefined;
  await withStore('readwrite', (store) => {
    const get = store.get('pin') as IDBRequest<KeptKey | undefined>;
    get.onsuccess = () => {
      kept = get.result;
      if (kept) store.put({ ...kept, failures: kept.failures + 1 }, 'pin');
    };
  });
  if (!kept || kept.failures >= PIN_ATTEMPTS) {
    await removeQuickUnlock('pin');
    return { erased: true };
  }
  const sessionKey = PIN_PATTERN.test(pin)
    ? await unseal(kept, await pinKey(pin, kept.salt))
    : undefined;
  const failures = kept.failures + 1;
  if (sessionKey) {
    await withStore('readwrite', (store) => store.put({ ...kept!, failures: 0 }, 'pin'));
    return { sessionKey };
  }
  if (failures >= PIN_ATTEMPTS) {
    await removeQuickUnlock('pin');
    return { erased: true };
  }
  return { wrong: true, triesLeft: PIN_ATTEMPTS - failures };
}

// Passkeys: WebAuthn with the PRF extension (a secret from the authenticator, per credential and salt).

interface PrfResults {
  prf?: { enabled?: boolean; results?: { first?: ArrayBuffer } };
}

/** Whether this browser can make a passkey whose PRF output can unlock the wallet. */
export async function passkeySupported(): Promise<boolean> {
  if (typeof PublicKeyCredential === 'undefined') return false;
  const capabilities = await (
    PublicKeyCredential as unknown as {
      getClientCapabilities?: () => Promise<Record<string, boolean>>;
    }
  )
    .getClientCapabilities?.()
    .catch(() => undefined);
  if (capabilities)
    return (
      capabilities['extension:prf'] === true &&
      capabilities.userVerifyingPlatformAuthenticator !== false
    );
  return PublicKeyCredential.isUserVerifyingPlatformAuthenticatorAvailable().catch(() => false);
}

async function prfOutput(credentialId: Bytes, salt: Bytes): Promise<ArrayBuffer | undefined> {
  const assertion = (await navigator.credentials.get({
    publicKey: {
      challenge: bytes(32),
      allowCredentials: [{ type: 'public-key', id: credentialId }],
      userVerification: 'required',
      extensions: { prf: { eval: { first: salt } } } as AuthenticationExtensionsClientInputs,
    },
  })) as PublicKeyCredential | null;
  return (assertion?.getClientExtensionResults() as PrfResults | undefined)?.prf?.results?.first;
}

/** Makes a passkey on this device and keeps the session key under its PRF output. */
export async function enablePasskey(sessionKey: Uint8Array, walletName: string): Promise<void> {
  const salt = bytes(32);
  const credential = (await navigator.credentials.create({
    publicKey: {
      rp: { name: walletName },
      user: { id: bytes(16), name: walletName, displayName: walletName },
      challenge: bytes(32),
      pubKeyCredParams: [
        { type: 'public-key', alg: -7 },
        { type: 'public-key', alg: -257 },
      ],
      authenticatorSelection: { userVerification: 'required', residentKey: 'discouraged' },
      extensions: { prf: { eval: { first: salt } } } as AuthenticationExtensionsClientInputs,
    },
  })) as PublicKeyCredential | null;
  const results = credential?.getClientExtensionResults() as PrfResults | undefined;
  if (!credential || !results?.prf?.enabled) throw new SanadError('ERR_PASSKEY_UNSUPPORTED');
  const credentialId = new Uint8Array(credential.rawId);
  // Some authenticators answer the PRF at creation already; others only when the key is used.
  const output = results.prf.results?.first ?? (await prfOutput(credentialId, salt));
  if (!output) throw new SanadError('ERR_PASSKEY_UNSUPPORTED');
  await keep('passkey', sessionKey, await prfKey(output), salt, credentialId);
}

/** Asks the passkey for its PRF output and opens the kept key; undefined when there is none. */
export async function unlockWithPasskey(): Promise<Uint8Array | undefined> {
  const kept = await read('passkey');
  if (!kept?.credentialId) return undefined;
  const output = await prfOutput(kept.credentialId, kept.salt);
  return output && unseal(kept, await prfKey(output));
}
