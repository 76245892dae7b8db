import { t } from '../i18n/i18n.js';

/** A claim's value in plain words: yes/no for booleans, lists joined, nested parts as "name: value". */
export function claimValue(value: unknown): string {
  if (value === true) return t('common.yes');
  if (value === false) return t('common.no');
  if (Array.isArray(value)) return value.map(claimValue).join(', ');
  if (value !== null && typeof value === 'object') return Object.entries(value).map(([k, v]) => `${k}: ${claimValue(v)}`).join('; ');
  return String(value ?? '');
}
