import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { BrandMark } from '../../ui/Brand.js';
import { PageTitle } from '../../ui/PageTitle.js';

/** The centered card that frames login, sign-up and email confirmation. */
export function AuthCard({ title, subtitle, children, footer }: { title: string; subtitle?: ReactNode; children: ReactNode; footer?: ReactNode }) {
  return (
    <div className="auth-page">
      <PageTitle>{title}</PageTitle>
      <div className="auth-card">
        <Link to="/" className="auth-brand" aria-label="Foyer home">
          <BrandMark size={36} />
        </Link>
        <h1 className="auth-title">{title}</h1>
        {subtitle && <p className="auth-subtitle">{subtitle}</p>}
        {children}
      </div>
      {footer && <p className="auth-footer">{footer}</p>}
    </div>
  );
}
