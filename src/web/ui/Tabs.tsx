import { useId, useRef, type KeyboardEvent, type ReactNode } from 'react';

export interface TabItem<T extends string> {
  id: T;
  label: ReactNode;
}

/** Ids that tie a tab to its panel. */
export const tabPanelProps = (base: string, id: string) => ({ id: `${base}-panel-${id}`, role: 'tabpanel' as const, 'aria-labelledby': `${base}-tab-${id}`, tabIndex: 0 });

/**
 * WAI-ARIA tabs with automatic activation: arrow keys, Home and End move between tabs, and only the selected tab
 * is in the Tab order. The parent renders the selected panel with `tabPanelProps(base, id)`.
 */
export function Tabs<T extends string>({ label, base, items, value, onChange }: { label: string; base: string; items: TabItem<T>[]; value: T; onChange: (id: T) => void }) {
  const refs = useRef<Record<string, HTMLButtonElement | null>>({});
  const onKeyDown = (e: KeyboardEvent) => {
    const i = items.findIndex((t) => t.id === value);
    const next =
      e.key === 'ArrowRight' ? (i + 1) % items.length
      : e.key === 'ArrowLeft' ? (i - 1 + items.length) % items.length
      : e.key === 'Home' ? 0
      : e.key === 'End' ? items.length - 1
      : -1;
    if (next < 0) return;
    e.preventDefault();
    onChange(items[next].id);
    refs.current[items[next].id]?.focus();
  };
  return (
    <div className="tabs" role="tablist" aria-label={label} onKeyDown={onKeyDown}>
      {items.map((t) => (
        <button
          key={t.id}
          ref={(el) => {
            refs.current[t.id] = el;
          }}
          type="button"
          role="tab"
          id={`${base}-tab-${t.id}`}
          aria-controls={`${base}-panel-${t.id}`}
          aria-selected={t.id === value}
          tabIndex={t.id === value ? 0 : -1}
          className="tab"
          onClick={() => onChange(t.id)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}

/** A stable id prefix for one Tabs instance. */
export const useTabsBase = () => useId().replace(/:/g, '');
