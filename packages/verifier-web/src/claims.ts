/** The requested claims as rows to show: one per leaf, keyed by its path joined with dots. */

export interface ClaimRow {
  /** `address.locality`, `age_over_18`. */
  path: string;
  label: string;
  value: string;
}

/** `age_over_18` -> "Age over 18"; `address.locality` -> "Address, locality". */
export function labelOf(path: string): string {
  const words = path.split('.').map((part) => part.replace(/[_-]+/g, ' ').trim());
  const text = words.join(', ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Flattens `claims` into rows; lists are shown as one comma-separated value.
 *
 * @example
 * ```ts
 * claimRows({ address: { locality: 'Zaatari' } }, (b) => (b ? 'Yes' : 'No'))
 * // [{ path: 'address.locality', label: 'Address, locality', value: 'Zaatari' }]
 * ```
 */
export function claimRows(
  claims: Record<string, unknown>,
  yesNo: (value: boolean) => string,
  prefix: string[] = [],
): ClaimRow[] {
  // Claim values are the issuer's JSON: an object inside an array is shown as JSON, never through
  // String(), which throws on {"toString":1}.
  const show = (value: unknown): string =>
    typeof value === 'boolean'
      ? yesNo(value)
      : Array.isArray(value)
        ? value.map(show).join(', ')
        : value !== null && typeof value === 'object'
          ? JSON.stringify(value)
          : `${value}`;
  return Object.entries(claims).flatMap(([name, value]) => {
    const path = [...prefix, name];
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      return claimRows(value as Record<string, unknown>, yesNo, path);
    const key = path.join('.');
    return [{ path: key, label: labelOf(key), value: show(value) }];
  });
}

/** A readable name for a credential type: the last part of a `vct` URL, or a VC type name. */
export function typeLabel(credentialType: string): string {
  const last = credentialType.split(/[/#:]/).filter(Boolean).at(-1) ?? credentialType;
  return labelOf(last.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase());
}
