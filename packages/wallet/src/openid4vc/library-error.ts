/**
 * What the protocol libraries and the other side say about a failure, made fit for a holder's
 * error message. The libraries quote their input ("Error validating schema with data {…}",
 * "… from credential offer 'openid-credential-offer://…'"), and an issuer or verifier may echo
 * what it was sent: an offer link, a pre-authorized code, a PIN or a request link must never
 * reach an error through them. Such errors keep no `cause` (it would carry the same text).
 */
import { tryParseJson } from '@sanad/core';
import { cleanText } from '../messages/display-text.js';

const MAX_LENGTH = 300;
const REDACTED = '…';

/** The schema issues of a library's validation error ("request_uri: url must be an https:// url"), never the data it quotes. */
function schemaIssues(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth += 1) {
    const issues = (e as { zodError?: { issues?: unknown } }).zodError?.issues;
    if (!Array.isArray(issues) || issues.length === 0) continue;
    return issues
      .slice(0, 3)
      .map((issue: { path?: unknown; message?: unknown }) => {
        const path = Array.isArray(issue.path)
          ? issue.path.filter((p) => typeof p === 'string' || typeof p === 'number').join('.')
          : '';
        const text = typeof issue.message === 'string' ? issue.message : 'not valid';
        return path ? `${path}: ${text}` : text;
      })
      .join('; ');
  }
  return undefined;
}

/**
 * Every value a link carries (its query parameters and, for an offer by value, each string inside
 * its JSON), with the link itself: what must not be quoted back.
 *
 * @example
 * ```ts
 * linkSecrets('openid-credential-offer://?credential_offer=%7B…%7D') // [link, '{…}', 'a1b2c3…', …]
 * ```
 */
export function linkSecrets(link: string): string[] {
  const found = new Set<string>([link]);
  const collect = (value: unknown): void => {
    if (typeof value === 'string') found.add(value);
    else if (Array.isArray(value)) value.forEach(collect);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(collect);
  };
  const query = link.indexOf('?');
  for (const value of new URLSearchParams(query >= 0 ? link.slice(query + 1) : '').values()) {
    found.add(value);
    // Not JSON (or nested past the cap): the value itself is enough.
    collect(tryParseJson(value));
  }
  return [...found].filter((s) => s.length >= 6);
}

/**
 * `text` without any of `secrets` (as they are, or encoded as a link, a form or JSON quotes
 * them), control characters removed, cut to a few hundred characters.
 */
export function withoutSecrets(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  // As sent, percent-encoded in a link, form-encoded in a request body, escaped in JSON.
  const forms = secrets
    .filter((s): s is string => typeof s === 'string' && s.length >= 4)
    .flatMap((s) => [
      s,
      encodeURIComponent(s),
      new URLSearchParams({ s }).toString().slice(2),
      JSON.stringify(s).slice(1, -1),
    ]);
  for (const form of [...new Set(forms)].sort((a, b) => b.length - a.length))
    out = out.split(form).join(REDACTED);
  out = cleanText(out).trim();
  return out.length > MAX_LENGTH ? `${out.slice(0, MAX_LENGTH)}${REDACTED}` : out;
}

/**
 * A short, safe description of a library's failure: its schema issues when it has them, else the
 * first line of its message with every secret taken out.
 */
export function describeLibraryError(
  err: unknown,
  secrets: ReadonlyArray<string | undefined>,
): string | undefined {
  const described =
    schemaIssues(err) ?? (err instanceof Error ? err.message.split('\n')[0] : undefined);
  if (described === undefined) return undefined;
  const safe = withoutSecrets(described, secrets);
  return safe === '' ? undefined : safe;
}
