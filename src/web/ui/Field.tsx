import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';

interface FieldChrome {
  label: string;
  error?: string;
  hint?: ReactNode;
}

/** A labelled input with its hint and error wired up for screen readers. */
export function TextField({ label, error, hint, id, className, ...rest }: FieldChrome & InputHTMLAttributes<HTMLInputElement>) {
  const auto = useId();
  const fieldId = id ?? auto;
  const describedBy = [hint ? `${fieldId}-hint` : '', error ? `${fieldId}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field ${error ? 'field-invalid' : ''} ${className ?? ''}`}>
      <label htmlFor={fieldId} className="field-label">
        {label}
      </label>
      <input id={fieldId} className="input" aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...rest} />
      {hint && !error && (
        <p id={`${fieldId}-hint`} className="field-hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${fieldId}-error`} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

export function TextAreaField({ label, error, hint, id, className, ...rest }: FieldChrome & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const auto = useId();
  const fieldId = id ?? auto;
  const describedBy = [hint ? `${fieldId}-hint` : '', error ? `${fieldId}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field ${error ? 'field-invalid' : ''} ${className ?? ''}`}>
      <label htmlFor={fieldId} className="field-label">
        {label}
      </label>
      <textarea id={fieldId} className="input textarea" aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...rest} />
      {hint && !error && (
        <p id={`${fieldId}-hint`} className="field-hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${fieldId}-error`} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

/** A labelled native select. */
export function SelectField({ label, error, hint, id, className, children, ...rest }: FieldChrome & SelectHTMLAttributes<HTMLSelectElement>) {
  const auto = useId();
  const fieldId = id ?? auto;
  const describedBy = [hint ? `${fieldId}-hint` : '', error ? `${fieldId}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field ${error ? 'field-invalid' : ''} ${className ?? ''}`}>
      <label htmlFor={fieldId} className="field-label">
        {label}
      </label>
      <select id={fieldId} className="input select" aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...rest}>
        {children}
      </select>
      {hint && !error && (
        <p id={`${fieldId}-hint`} className="field-hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${fieldId}-error`} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

/** A checkbox with its label to the right and an optional hint below. */
export function CheckboxField({ label, hint, error, id, className, ...rest }: FieldChrome & Omit<InputHTMLAttributes<HTMLInputElement>, 'type'>) {
  const auto = useId();
  const fieldId = id ?? auto;
  const describedBy = [hint ? `${fieldId}-hint` : '', error ? `${fieldId}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`check-field ${error ? 'field-invalid' : ''} ${className ?? ''}`}>
      <input id={fieldId} type="checkbox" className="checkbox" aria-describedby={describedBy} aria-invalid={error ? true : undefined} {...rest} />
      <div className="check-field-text">
        <label htmlFor={fieldId} className="check-field-label">
          {label}
        </label>
        {hint && (
          <p id={`${fieldId}-hint`} className="field-hint">
            {hint}
          </p>
        )}
        {error && (
          <p id={`${fieldId}-error`} className="field-error">
            {error}
          </p>
        )}
      </div>
    </div>
  );
}

export interface RadioOption<T extends string> {
  value: T;
  label: ReactNode;
  hint?: ReactNode;
  /** Extra control shown next to the option (e.g. a number box). */
  extra?: ReactNode;
}

/** A group of radio buttons in a fieldset, its legend as the question. */
export function RadioGroup<T extends string>({ legend, name, value, onChange, options, hint, error }: { legend: string; name: string; value: T; onChange: (v: T) => void; options: RadioOption<T>[]; hint?: ReactNode; error?: string }) {
  const base = useId();
  return (
    <fieldset className={`field radio-group ${error ? 'field-invalid' : ''}`} aria-describedby={hint ? `${base}-hint` : undefined}>
      <legend className="field-label">{legend}</legend>
      {hint && (
        <p id={`${base}-hint`} className="field-hint">
          {hint}
        </p>
      )}
      <div className="radio-options">
        {options.map((o) => (
          <div key={o.value} className="radio-option">
            <input id={`${base}-${o.value}`} type="radio" className="radio" name={name} value={o.value} checked={value === o.value} onChange={() => onChange(o.value)} />
            <div className="radio-option-text">
              <label htmlFor={`${base}-${o.value}`} className="check-field-label">
                {o.label}
              </label>
              {o.hint && <p className="field-hint">{o.hint}</p>}
            </div>
            {o.extra}
          </div>
        ))}
      </div>
      {error && <p className="field-error">{error}</p>}
    </fieldset>
  );
}
