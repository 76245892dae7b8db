/**
 * Everything the wallet shows that came from someone else — claim values, names, ids, dates — in
 * the holder's language and isolated for bidi, so an Arabic page never scrambles "SANDBOX-0001"
 * or a date.
 *
 * Digits: Latin (0-9) in every language, Arabic included (`ar-u-nu-latn`). The papers, case
 * numbers and PINs agencies hand out are written in Latin digits and the PIN box takes them, so a
 * date in Arabic-Indic digits beside a case number in Latin ones would be two systems on one card.
 */
import { type ComponentChild, h } from 'preact';
import { language, t } from '../i18n/i18n.js';

/** The holder's language as an Intl locale, with the wallet's one digit system. */
export const intlLocale = (): string => `${language.value}-u-nu-latn`;

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A date in the holder's language. A date-only value (a date of birth) is a calendar day, not an
 * instant: it is read and shown in UTC, so it is the same day in every time zone.
 */
export function formatDate(iso: string, withTime = false): string {
  const day = DATE_ONLY.exec(iso);
  const date = day
    ? new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3])))
    : new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const style: Intl.DateTimeFormatOptions =
    withTime && !day ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'long' };
  return new Intl.DateTimeFormat(intlLocale(), day ? { ...style, timeZone: 'UTC' } : style).format(
    date,
  );
}

/** ISO 3166-1 alpha-3 (what SD-JWT VC `nationality` claims carry) to the alpha-2 `Intl.DisplayNames` reads, for the countries most refugees come from or live in. */
const ALPHA2: Record<string, string> = {
  AFG: 'AF',
  BDI: 'BI',
  BGD: 'BD',
  CAF: 'CF',
  CMR: 'CM',
  COD: 'CD',
  COL: 'CO',
  EGY: 'EG',
  ERI: 'ER',
  ETH: 'ET',
  HTI: 'HT',
  IRN: 'IR',
  IRQ: 'IQ',
  JOR: 'JO',
  KEN: 'KE',
  LBN: 'LB',
  LBY: 'LY',
  MLI: 'ML',
  MMR: 'MM',
  NER: 'NE',
  NGA: 'NG',
  PAK: 'PK',
  PSE: 'PS',
  RWA: 'RW',
  SDN: 'SD',
  SOM: 'SO',
  SSD: 'SS',
  SYR: 'SY',
  TCD: 'TD',
  TUR: 'TR',
  UGA: 'UG',
  UKR: 'UA',
  VEN: 'VE',
  YEM: 'YE',
  ZWE: 'ZW',
  FRA: 'FR',
  DEU: 'DE',
  ESP: 'ES',
  GBR: 'GB',
  USA: 'US',
};

/** Claims whose value is a country code. */
const COUNTRY_CLAIMS = new Set([
  'nationality',
  'nationalities',
  'country',
  'country_of_birth',
  'issuing_country',
]);

/** A country's name in the holder's language, or the code itself when it is not one we know. */
export function countryName(code: string): string {
  const alpha2 = code.length === 3 ? ALPHA2[code] : code;
  if (!alpha2 || !/^[A-Z]{2}$/.test(alpha2)) return code;
  const name = new Intl.DisplayNames(intlLocale(), { type: 'region', fallback: 'none' }).of(alpha2);
  return name ?? code;
}

/**
 * A claim's value in plain words: yes/no for booleans, numbers, dates and countries in the
 * holder's language, lists joined, nested parts as "name: value". `path` names the claim
 * (`['nationality']`), which says whether a code is a country.
 */
export function claimValue(value: unknown, path: ReadonlyArray<unknown> = []): string {
  if (value === true) return t('common.yes');
  if (value === false) return t('common.no');
  if (typeof value === 'number') return new Intl.NumberFormat(intlLocale()).format(value);
  if (Array.isArray(value)) return value.map((v) => claimValue(v, path)).join(', ');
  if (value !== null && typeof value === 'object')
    return Object.entries(value)
      .map(([k, v]) => `${k}: ${claimValue(v, [...path, k])}`)
      .join('; ');
  // Objects were handled above: only primitives reach the template literal.
  const text = value === null || value === undefined ? '' : `${value as string | number | bigint}`;
  const name = path.at(-1);
  if (typeof name === 'string' && COUNTRY_CLAIMS.has(name) && /^[A-Z]{2,3}$/.test(text))
    return countryName(text);
  if (DATE_ONLY.test(text)) return formatDate(text);
  return text;
}

/**
 * A message with each filled-in value in its own `<bdi>`: the sentence keeps the page's direction,
 * a Latin name or a date inside an Arabic one keeps its own. The text reads exactly as `t()`'s.
 */
export function tIsolated(key: string, vars: Record<string, string | number>): ComponentChild[] {
  const MARK = '\u0000';
  const marked = t(
    key,
    Object.fromEntries(Object.keys(vars).map((name) => [name, `${MARK}${name}${MARK}`])),
  );
  // Split on the marks: odd parts are placeholder names.
  return marked
    .split(MARK)
    .map((part, i) => (i % 2 === 1 ? h('bdi', { key: i }, String(vars[part])) : part));
}
