import { useCallback, useState } from 'react';
import type { useRoom } from './useRoom.js';

export type Room = ReturnType<typeof useRoom>;

/** Runs a room action, keeping its error message (from the server's error code) and a busy flag for the UI. */
export function useAction() {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const run = useCallback(async (action: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      return true;
    } catch (err) {
      setError((err as Error).message);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { run, error, busy, clear: () => setError(undefined) };
}
