import type { ReactNode } from 'react';
import { AlertIcon, CheckCircleIcon, InfoIcon } from './icons.js';

type Tone = 'error' | 'success' | 'info' | 'warning';

/** A message box. Errors are announced at once (role=alert); the rest politely. */
export function Alert({ tone = 'info', title, children, actions, className }: { tone?: Tone; title?: ReactNode; children?: ReactNode; actions?: ReactNode; className?: string }) {
  const Icon = tone === 'success' ? CheckCircleIcon : tone === 'info' ? InfoIcon : AlertIcon;
  return (
    <div className={`alert alert-${tone} ${className ?? ''}`} role={tone === 'error' ? 'alert' : 'status'}>
      <Icon className="alert-icon" />
      <div className="alert-body">
        {title && <p className="alert-title">{title}</p>}
        {children && <div className="alert-text">{children}</div>}
      </div>
      {actions && <div className="alert-actions">{actions}</div>}
    </div>
  );
}
