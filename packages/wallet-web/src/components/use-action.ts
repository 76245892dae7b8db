import { useState } from 'preact/hooks';

/** Runs an action with a busy line and a translated error, re-enabling the form afterwards. */
export function useAction() {
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<unknown>();
  const run = async (busyText: string, action: () => Promise<void>) => {
    setError(undefined);
    setBusy(busyText);
    try {
      await action();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(undefined);
    }
  };
  return { busy, error, setError, run };
}
