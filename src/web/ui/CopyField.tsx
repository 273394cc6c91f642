import { useEffect, useRef, useState } from 'react';
import { Button } from './Button.js';
import { CheckIcon, CopyIcon } from './icons.js';

/** Copies text to the clipboard; false when the browser refuses (no permission, insecure context). */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (!navigator.clipboard) return false;
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * A read-only field with a Copy button. If the clipboard is not available the text is selected instead, with a
 * hint to press the copy shortcut: the person can always get the value.
 */
export function CopyField({ value, label, buttonLabel = 'Copy' }: { value: string; label: string; buttonLabel?: string }) {
  const input = useRef<HTMLInputElement>(null);
  const [state, setState] = useState<'idle' | 'copied' | 'manual'>('idle');
  useEffect(() => {
    if (state !== 'copied') return;
    const t = window.setTimeout(() => setState('idle'), 2500);
    return () => window.clearTimeout(t);
  }, [state]);

  const copy = async () => {
    if (await copyText(value)) setState('copied');
    else {
      input.current?.focus();
      input.current?.select();
      setState('manual');
    }
  };

  return (
    <div className="copy-field">
      <div className="copy-field-row">
        <input ref={input} className="input copy-field-input" readOnly value={value} aria-label={label} onFocus={(e) => e.currentTarget.select()} spellCheck={false} />
        <Button size="sm" icon={state === 'copied' ? <CheckIcon size={16} /> : <CopyIcon size={16} />} onClick={() => void copy()} aria-label={`${buttonLabel}: ${label}`}>
          {state === 'copied' ? 'Copied' : buttonLabel}
        </Button>
      </div>
      <p className="copy-field-status" role="status">
        {state === 'copied' ? 'Copied to the clipboard.' : state === 'manual' ? 'Selected. Press Ctrl+C (⌘C on a Mac) to copy.' : ''}
      </p>
    </div>
  );
}
