/** A visible, announced "working" line: the KDF and the network can take seconds on a cheap phone. */
export function Busy({ text }: { text: string | undefined }) {
  return (
    <p class="busy" role="status" aria-live="polite" data-testid="busy">
      {text ?? ''}
    </p>
  );
}
