/** Outcome icons: drawn shapes, so the meaning never rests on colour alone. */
import type { Outcome } from './api.js';

const SHAPES: Record<Exclude<Outcome, 'pending'>, string> = {
  valid: 'M5 12.5l4.5 4.5L19 7.5',
  invalid: 'M6 6l12 12M18 6L6 18',
  revoked: 'M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18M5.6 5.6l12.8 12.8',
  untrusted: 'M12 3L2 20h20L12 3M12 9v5M12 17v.5',
  expired: 'M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18M12 7v5l3 3',
  refused: 'M8 3h8l5 5v8l-5 5H8l-5-5V8zM8 12h8',
};

export function OutcomeIcon({ outcome }: { outcome: Exclude<Outcome, 'pending'> }) {
  return (
    <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path
        d={SHAPES[outcome]}
        fill="none"
        stroke="currentColor"
        stroke-width="2.5"
        stroke-linecap="round"
        stroke-linejoin="round"
      />
    </svg>
  );
}
