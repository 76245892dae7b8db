import { useState } from 'preact/hooks';
import { settleFocus } from '../navigation.js';

/** Runs an action with a busy line and a translated error, re-enabling the form and settling focus afterwards. */
export function useAction() {
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<unknown>();
  const run = async (busyText: string, action: () => Promise<void>) => {
    const origin = document.activeElement;
    setError(undefined);
    setBusy(busyText);
    try {
      await action();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(undefined);
      settleFocus(origin);
    }
  };
  return { busy, error, setError, run };
}
