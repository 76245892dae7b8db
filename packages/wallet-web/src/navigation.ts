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
}

/** Focus on the screen's heading, so a screen reader says where the holder is (the app calls it after every screen change). */
let awaitingHeading: MutationObserver | undefined;

export function focusHeading(): void {
  awaitingHeading?.disconnect();
  awaitingHeading = undefined;
  const heading = document.querySelector<HTMLElement>('main h1');
  if (heading) {
    heading.focus();
    return;
  }
  // A screen may draw its heading a moment later (the unlock screen reads which quick unlocks
  // this device has first): focus it when it appears, unless the holder has moved on.
  const main = document.querySelector('main');
  if (!main) return;
  const observer = new MutationObserver(() => {
    const late = main.querySelector<HTMLElement>('h1');
    if (!late) return;
    observer.disconnect();
    if (awaitingHeading === observer) awaitingHeading = undefined;
    if (focusLost(document.activeElement)) late.focus();
  });
  awaitingHeading = observer;
  observer.observe(main, { childList: true, subtree: true });
}

/** Whether keyboard focus is nowhere useful: on the page itself, or on something removed or disabled. */
const focusLost = (el: Element | null): boolean =>
  !el || el === document.body || !el.isConnected || (el as HTMLButtonElement).disabled === true;

/**
 * After an action (its result rendered), focus goes back to where it was — the button, the
 * dialog's opener — or, if that is gone or disabled, to the screen's heading; never to `<body>`.
 */
export function settleFocus(origin: Element | null): void {
  setTimeout(() => {
    if (!focusLost(document.activeElement)) return;
    if (origin instanceof HTMLElement && !focusLost(origin)) origin.focus();
    else focusHeading();
  });
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
