import { useId } from 'react';

export interface QualityOption {
  index: number;
  height: number;
  bitrate: number;
}

/** Auto (adaptive) or one fixed rendition. */
export function QualityMenu({ options, value, autoLevel, onChange }: { options: QualityOption[]; value: number; autoLevel: number | null; onChange: (index: number) => void }) {
  const id = useId();
  const auto = autoLevel !== null ? options.find((o) => o.index === autoLevel) : undefined;
  return (
    <label className="player-quality" htmlFor={id}>
      <span>Quality</span>
      <select id={id} value={value} onChange={(e) => onChange(Number(e.target.value))} data-testid="player-quality">
        <option value={-1}>Auto{value === -1 && auto ? ` (${auto.height}p)` : ''}</option>
        {[...options]
          .sort((a, b) => b.height - a.height)
          .map((o) => (
            <option key={o.index} value={o.index}>
              {o.height}p
            </option>
          ))}
      </select>
    </label>
  );
}
