import { useEffect, useRef } from 'react';
import { formatCountdown, useServerNow } from './time.js';

/** Counts down to `target` on the server's clock and calls `onZero` once when it gets there. */
export function Countdown({ target, serverOffsetMs, onZero, label }: { target: number; serverOffsetMs: number; onZero: () => void; label: string }) {
  const now = useServerNow(serverOffsetMs);
  const left = target - now;
  const fired = useRef(false);
  useEffect(() => {
    if (left <= 0 && !fired.current) {
      fired.current = true;
      onZero();
    }
  }, [left, onZero]);
  return (
    <div className="live-countdown" role="timer" aria-label={label}>
      <span className="live-countdown-label">{label}</span>
      <span className="live-countdown-value">{formatCountdown(left)}</span>
    </div>
  );
}
