/**
 * What the holder should know about losing this wallet: whether the browser promised to keep its
 * storage (`navigator.storage.persist()`), and when a backup was last made on this browser.
 */
import { signal } from '@preact/signals';

const LAST_BACKUP_KEY = 'sanad-last-backup';

/** True when the browser keeps the wallet under storage pressure; undefined until known. */
export const storagePersisted = signal<boolean | undefined>(undefined);
/** When the last backup was made here (an ISO date), kept beside the wallet: cleared with it. */
export const lastBackupAt = signal<string | undefined>(
  localStorage.getItem(LAST_BACKUP_KEY) ?? undefined,
);

export function noteBackupMade(): void {
  lastBackupAt.value = new Date().toISOString();
  localStorage.setItem(LAST_BACKUP_KEY, lastBackupAt.value);
}

/** A wallet erased from this browser has no backup made here any more. */
export function forgetBackups(): void {
  lastBackupAt.value = undefined;
  localStorage.removeItem(LAST_BACKUP_KEY);
}

/**
 * Browsers may evict site data under storage pressure; a wallet asks to be kept (granted to
 * installed apps). Refused or unsupported, it still works — a backup off the phone is the safety net.
 */
export async function askToKeepStorage(): Promise<void> {
  storagePersisted.value = (await navigator.storage?.persist?.().catch(() => false)) ?? false;
}

/** Whether the browser already keeps the wallet, asked without a prompt (on unlock). */
export async function checkStorageKept(): Promise<void> {
  storagePersisted.value = (await navigator.storage?.persisted?.().catch(() => false)) ?? false;
}
