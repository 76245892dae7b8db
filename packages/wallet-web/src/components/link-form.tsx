import { useState } from 'preact/hooks';
import { Scanner } from './scanner.js';

interface LinkFormProps {
  /** Prefills the box (a link the wallet was opened with). */
  initial?: string | undefined;
  label: string;
  submitLabel: string;
  busy: boolean;
  /** Test ids of the box and its button. */
  testId: { input: string; submit: string };
  onLink: (link: string) => void;
}

/** A link from the camera or typed/pasted into a box: how offers and requests reach the wallet. */
export function LinkForm({ initial, label, submitLabel, busy, testId, onLink }: LinkFormProps) {
  const [link, setLink] = useState(initial ?? '');
  return (
    <>
      <Scanner onResult={(text) => (setLink(text), onLink(text))} />
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault();
          onLink(link.trim());
        }}
      >
        <label>
          {label}
          <input
            type="text"
            inputMode="url"
            autocomplete="off"
            required
            spellcheck={false}
            value={link}
            onInput={(e) => setLink(e.currentTarget.value)}
            data-testid={testId.input}
          />
        </label>
        <button
          type="submit"
          class="button button--primary"
          disabled={busy}
          data-testid={testId.submit}
        >
          {submitLabel}
        </button>
      </form>
    </>
  );
}
