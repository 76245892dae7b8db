/** Bounded decompression: a status list is tiny compressed and can be a bomb when inflated. */
import { Gunzip, Inflate, Unzlib } from 'fflate';
import { concatBytes } from '../encoding.js';
import { SanadError } from '../errors.js';

/** Default ceiling for an inflated status list: 16 MiB (128 M one-bit entries). */
export const MAX_INFLATED_STATUS_LIST_BYTES = 16 * 1024 * 1024;

/**
 * Inflates zlib (`'zlib'`), gzip (`'gzip'`) or raw DEFLATE (`'deflate'`, optionally against a
 * preset `dictionary`) data, refusing output above `maxBytes`.
 */
export function inflateBounded(
  data: Uint8Array,
  kind: 'zlib' | 'gzip' | 'deflate',
  maxBytes = MAX_INFLATED_STATUS_LIST_BYTES,
  dictionary?: Uint8Array,
): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const onData = (chunk: Uint8Array): void => {
    total += chunk.length;
    if (total > maxBytes)
      throw new SanadError(
        'ERR_STATUS_LIST_INVALID',
        'The status list inflates beyond the allowed size.',
      );
    chunks.push(chunk);
  };
  const stream =
    kind === 'zlib'
      ? new Unzlib(onData)
      : kind === 'gzip'
        ? new Gunzip(onData)
        : new Inflate(dictionary ? { dictionary } : {}, onData);
  try {
    // Feeding in slices keeps each inflated chunk small, so the cap is checked as it grows.
    for (let offset = 0; offset < data.length; offset += 4096) {
      stream.push(data.subarray(offset, offset + 4096), offset + 4096 >= data.length);
    }
  } catch (cause) {
    if (cause instanceof SanadError) throw cause;
    throw new SanadError(
      'ERR_STATUS_LIST_INVALID',
      'The status list is not valid compressed data.',
      { cause },
    );
  }
  if (data.length === 0)
    throw new SanadError('ERR_STATUS_LIST_INVALID', 'The status list is empty.');
  return concatBytes(chunks);
}
