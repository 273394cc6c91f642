import { formatBytes } from '../../ui/format.js';
import { useStorage } from './useMedia.js';

/** Share of the quota at which the library starts warning. */
const NEARLY_FULL = 0.9;

/**
 * The account's storage under the library header: "1.2 GB of 5 GB used" with a bar when there is a
 * limit, a warning when it is nearly or wholly used, just the amount when there is none.
 */
export function StorageMeter() {
  const storage = useStorage();
  if (!storage.data) return null;
  const { usedBytes, quotaBytes } = storage.data;
  if (quotaBytes === null) {
    return (
      <p className="storage-meter muted small" aria-label="Storage">
        {formatBytes(usedBytes)} used
      </p>
    );
  }
  const share = Math.min(1, usedBytes / quotaBytes);
  const full = usedBytes >= quotaBytes;
  const tone = full ? 'storage-meter-full' : share >= NEARLY_FULL ? 'storage-meter-nearly' : '';
  const text = `${formatBytes(usedBytes)} of ${formatBytes(quotaBytes)} used`;
  return (
    <div className={`storage-meter ${tone}`} aria-label="Storage">
      <div className="storage-meter-line small">
        <span>{text}</span>
        {full ? (
          <span className="storage-meter-note" role="status">
            Your storage is full: new uploads are refused. Delete media you no longer need, or ask an administrator for more space.
          </span>
        ) : share >= NEARLY_FULL ? (
          <span className="storage-meter-note" role="status">
            {formatBytes(quotaBytes - usedBytes)} left.
          </span>
        ) : null}
      </div>
      <div className="progress storage-meter-bar" role="meter" aria-label="Storage used" aria-valuemin={0} aria-valuemax={quotaBytes} aria-valuenow={Math.min(usedBytes, quotaBytes)} aria-valuetext={text}>
        <div className="progress-bar" style={{ width: `${Math.round(share * 100)}%` }} />
      </div>
    </div>
  );
}
