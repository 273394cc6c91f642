/** Foyer's mark: an open doorway. */
export function BrandMark({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false" className="brand-mark">
      <rect width="32" height="32" rx="8" className="brand-mark-bg" />
      <path d="M10 25V9.5A1.5 1.5 0 0 1 11.5 8h9A1.5 1.5 0 0 1 22 9.5V25" fill="none" stroke="#fff" strokeWidth="2.2" strokeLinecap="round" />
      <path d="M10 25l7-2.2V10.6L10 8.5" fill="rgba(255,255,255,.85)" />
      <circle cx="15" cy="17" r="1.1" className="brand-mark-bg" />
      <path d="M7 25h18" stroke="#fff" strokeWidth="2.2" strokeLinecap="round" />
    </svg>
  );
}

export function Brand() {
  return (
    <span className="brand">
      <BrandMark />
      <span className="brand-name">Foyer</span>
    </span>
  );
}
