/**
 * W3C Bitstring Status List v1.0, for VC-JWT: a GZIP-compressed bitstring, multibase
 * base64url encoded (`u` prefix). Index 0 is the left-most (most significant) bit of byte 0.
 */
import { gzipSync } from 'fflate';
import { fromBase64url, isPlainObject, toBase64url } from '../encoding.js';
import { SanadError } from '../errors.js';
import { inflateBounded } from './inflate.js';
import type { StatusListView } from './token-status-list.js';

/** The specification's minimum list length (16 KB), so a list does not reveal how many exist. */
export const BITSTRING_MIN_ENTRIES = 131_072;

export type StatusPurpose = 'revocation' | 'suspension';

/** A `credentialStatus` entry pointing into a Bitstring Status List credential. */
export interface BitstringStatusListEntry {
  id: string;
  type: 'BitstringStatusListEntry';
  statusPurpose: StatusPurpose;
  statusListIndex: string;
  statusListCredential: string;
}

/**
 * Encodes one bit per entry (`statuses[i]` non-zero = set) as an `encodedList`.
 *
 * @example
 * ```ts
 * const encodedList = encodeBitstringStatusList(new Uint8Array(131072))
 * ```
 */
export function encodeBitstringStatusList(statuses: ArrayLike<number>): string {
  const length = Math.max(BITSTRING_MIN_ENTRIES, Math.ceil(statuses.length / 8) * 8);
  const bytes = new Uint8Array(length / 8);
  for (let i = 0; i < statuses.length; i += 1) {
    if (statuses[i]) bytes[i >> 3]! |= 0x80 >> (i & 7);
  }
  return `u${toBase64url(gzipSync(bytes))}`;
}

/**
 * Decodes an `encodedList` once into an O(1) view.
 *
 * @example
 * ```ts
 * decodeBitstringStatusList(credential.credentialSubject.encodedList).get(42) // 0 or 1
 * ```
 */
export function decodeBitstringStatusList(encodedList: unknown, maxBytes?: number): StatusListView {
  if (typeof encodedList !== 'string' || !encodedList.startsWith('u')) {
    throw new SanadError('ERR_STATUS_LIST_INVALID', 'The encodedList is not multibase base64url.');
  }
  let compressed: Uint8Array;
  try {
    compressed = fromBase64url(encodedList.slice(1));
  } catch (cause) {
    throw new SanadError('ERR_STATUS_LIST_INVALID', undefined, { cause });
  }
  const bytes = inflateBounded(compressed, 'gzip', maxBytes);
  return {
    size: bytes.length * 8,
    get(index) {
      if (!Number.isInteger(index) || index < 0 || index >= bytes.length * 8)
        throw new SanadError('ERR_STATUS_INDEX_OUT_OF_RANGE');
      return ((bytes[index >> 3] as number) >> (7 - (index & 7))) & 1;
    },
  };
}

/** The `credentialSubject` of a BitstringStatusListCredential. */
export function bitstringStatusListSubject(
  id: string,
  statusPurpose: StatusPurpose,
  statuses: ArrayLike<number>,
): Record<string, unknown> {
  return {
    id: `${id}#list`,
    type: 'BitstringStatusList',
    statusPurpose,
    encodedList: encodeBitstringStatusList(statuses),
  };
}

/** Reads the Bitstring Status List entries of a VC (`vc.credentialStatus`, one or many). */
export function bitstringEntriesOf(vc: Record<string, unknown>): BitstringStatusListEntry[] {
  const status = vc.credentialStatus;
  if (status === undefined) return [];
  const list = Array.isArray(status) ? status : [status];
  return list.map((entry) => {
    if (
      !isPlainObject(entry) ||
      entry.type !== 'BitstringStatusListEntry' ||
      (entry.statusPurpose !== 'revocation' && entry.statusPurpose !== 'suspension') ||
      typeof entry.statusListCredential !== 'string' ||
      typeof entry.statusListIndex !== 'string' ||
      !/^\d{1,10}$/.test(entry.statusListIndex)
    ) {
      throw new SanadError('ERR_STATUS_LIST_INVALID', 'A credentialStatus entry is malformed.');
    }
    return entry as unknown as BitstringStatusListEntry;
  });
}
