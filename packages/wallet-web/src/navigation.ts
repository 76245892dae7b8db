/** Which screen is shown. No router: a wallet has few screens and no URLs worth sharing. */
import { signal } from '@preact/signals';

export type Screen =
  | { name: 'home' }
  | { name: 'credential'; id: string }
  | { name: 'receive'; link?: string }
  | { name: 'present'; link?: string }
  | { name: 'history' }
  | { name: 'settings' }
  | { name: 'guardians' };

export const screen = signal<Screen>({ name: 'home' });
/** A one-time confirmation (a message key) shown above the next screen. */
export const flash = signal<string | undefined>(undefined);

export function go(next: Screen): void {
  screen.value = next;
  flash.value = undefined;
  // Move focus to the new screen's heading, so screen readers announce where the holder is.
  queueMicrotask(() => document.querySelector<HTMLElement>('main h1')?.focus());
}

/**
 * A link the wallet was opened with (`?open=openid-credential-offer://…` or `?open=openid4vp://…`):
 * what an issuer's or verifier's page links to on the same phone.
 */
export function linkFromLocation(): Screen | undefined {
  const link = new URLSearchParams(location.search).get('open');
  if (!link) return undefined;
  history.replaceState(null, '', location.pathname);
  if (link.startsWith('openid-credential-offer:')) return { name: 'receive', link };
  if (link.startsWith('openid4vp:')) return { name: 'present', link };
  return undefined;
}
