/**
 * What was handed to the verifier: a presentation to check, or something else given by mistake.
 *
 * A desk that is handed a photo, an empty file, a trust list or a link must say "this is not a
 * presentation" (bad input, `ERR_NOT_A_PRESENTATION`), not "rejected" (which staff read as
 * altered or forged). Anything shaped like a compact SD-JWT or JWT, damaged or not, is still
 * checked, so a changed character or a truncated token remains a verification failure.
 */
import {
  decodeOfflinePresentation,
  fromBase64url,
  fromUtf8,
  isPlainObject,
  MAX_SD_JWT_LENGTH,
  OFFLINE_PRESENTATION_PREFIX,
  parseJsonBounded,
  type PresentationResponse,
  SanadError,
  tryParseJson,
} from '@sanad/core';

/** The presentation text to verify, and the DCQL query id it answers when it came in a `vp_token`. */
export interface UnwrappedPresentation {
  text: string;
  queryId?: string;
}

const notAPresentation = (what: string): SanadError =>
  new SanadError('ERR_NOT_A_PRESENTATION', `This is not a presentation: ${what}`);

/** Files people pick up by mistake, by their first bytes as UTF-8 text (invalid bytes read as U+FFFD). */
const MAGIC: Array<[RegExp, string]> = [
  [/^\uFFFDPNG\r\n/, 'it is a PNG image.'],
  [/^\uFFFD{2,}/, 'it is binary data (a JPEG image or another binary file).'],
  [/^GIF8[79]a/, 'it is a GIF image.'],
  [/^%PDF-/, 'it is a PDF document.'],
  [/^PK\u0003\u0004/, 'it is a ZIP archive (or an office document).'],
];

// Control characters other than tab and line breaks, and the replacement character of invalid UTF-8.
const BINARY = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFD]/;
// What a compact SD-JWT or JWT is made of (base64 in both alphabets, so a damaged one still counts).
const COMPACT = /^[A-Za-z0-9_\-+/=.~]+$/;

/** The JOSE `typ` of a compact JWS, when its header decodes. */
function jwsTyp(text: string): unknown {
  const header = tryParseJson(safeDecode(text.slice(0, text.indexOf('.'))));
  return isPlainObject(header) ? header.typ : undefined;
}

function safeDecode(segment: string): string {
  try {
    return fromUtf8(fromBase64url(segment));
  } catch {
    return '';
  }
}

/** Refuses text that cannot be a compact presentation; returns it trimmed otherwise. */
function compactText(raw: string): string {
  const text = raw.trim();
  if (text === '') throw notAPresentation('it is empty.');
  for (const [magic, what] of MAGIC) if (magic.test(text)) throw notAPresentation(what);
  // Text of the compact alphabet holds no control character and no "://": one scan on the common path.
  const compact = COMPACT.test(text);
  if (!compact) {
    if (BINARY.test(text)) throw notAPresentation('it is binary data, not text.');
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
      throw notAPresentation(
        /^openid-credential-offer:/i.test(text)
          ? 'it is a credential offer link, for a wallet to receive.'
          : "it is a link (a request or a web address), not the holder's answer.",
      );
    }
  }
  if (!compact || !/[.~]/.test(text))
    throw notAPresentation('it is plain text, not a compact SD-JWT or VP-JWT.');
  if (!text.includes('~')) {
    const typ = jwsTyp(text);
    if (typ === 'sanad-trust-list+jwt') throw notAPresentation('it is a signed trust list.');
    if (typ === 'statuslist+jwt') throw notAPresentation('it is a status list.');
  }
  return text;
}

/** Names the JSON documents Sanad itself writes, which are easy to pick up by mistake. */
/** A W3C Verifiable Presentation in JSON (a Data Integrity `ldp_vp`). */
const isJsonPresentation = (json: unknown): boolean =>
  isPlainObject(json) &&
  Array.isArray(json.type) &&
  json.type.includes('VerifiablePresentation') &&
  !('vp_token' in json);

function describeJson(json: unknown): string {
  if (!isPlainObject(json)) return 'it is JSON without a vp_token.';
  if (json.type === 'sanad-trust-list') return 'it is a trust list.';
  if (json.type === 'sanad-credential-bundle')
    return 'it is a credential bundle from an issuer, for a wallet to import.';
  if (json.response_type === 'vp_token' && 'dcql_query' in json)
    return "it is the presentation request, not the holder's answer.";
  if (typeof json.kty === 'string') return 'it is a key.';
  if (Array.isArray(json.keys)) return 'it is a key set (JWKS).';
  return 'it is JSON without a vp_token.';
}

/**
 * A bare presentation string, an offline `SANAD1:` code, or one OpenID4VP `vp_token` entry.
 * Throws `ERR_NOT_A_PRESENTATION` for anything else, saying what it looks like instead.
 */
export function unwrapPresentation(
  presentation: string | PresentationResponse,
): UnwrappedPresentation {
  if (typeof presentation === 'string') {
    const text = presentation.trim();
    if (text.startsWith(OFFLINE_PRESENTATION_PREFIX))
      return { text: decodeOfflinePresentation(text) };
    if (text.startsWith('{')) {
      // ERR_INVALID_JSON is most likely a response cut short: damaged, refused like any other.
      const json = parseJsonBounded(text, { maxLength: 2 * MAX_SD_JWT_LENGTH });
      if (isJsonPresentation(json)) return { text };
      return unwrapPresentation(json as PresentationResponse);
    }
    if (text.startsWith('[')) {
      const json = tryParseJson(text);
      throw notAPresentation(
        json === undefined
          ? 'it is plain text, not a compact SD-JWT or VP-JWT.'
          : describeJson(json),
      );
    }
    return { text: compactText(presentation) };
  }
  if (!isPlainObject(presentation) || !('vp_token' in presentation))
    throw notAPresentation(describeJson(presentation));
  const token = presentation.vp_token;
  if (!isPlainObject(token))
    throw new SanadError(
      'ERR_UNSUPPORTED_FORMAT',
      'The vp_token is not a DCQL response (an object keyed by query id).',
    );
  const entries = Object.entries(token);
  if (entries.length !== 1)
    throw new SanadError('ERR_UNSUPPORTED_FORMAT', 'Sanad verifies one credential per response.');
  const [queryId, values] = entries[0]!;
  const list = Array.isArray(values) ? values : [values];
  const [value] = list;
  if (list.length !== 1 || (typeof value !== 'string' && !isJsonPresentation(value)))
    throw new SanadError(
      'ERR_UNSUPPORTED_FORMAT',
      'Sanad verifies one presentation per credential query.',
    );
  // A W3C VP (ldp_vp) travels as a JSON object (OpenID4VP 1.0 appendix B.1.3.2), or as its text.
  if (typeof value !== 'string') return { text: JSON.stringify(value), queryId };
  if (value.trimStart().startsWith('{') && isJsonPresentation(tryParseJson(value)))
    return { text: value.trim(), queryId };
  return { text: compactText(value), queryId };
}
