import { useQuery } from '@tanstack/react-query';
import { endpoints, queryKeys } from '../api/endpoints.js';
import { SettingsForm } from '../features/admin/SettingsForm.js';
import { SsoProvidersSection } from '../features/admin/SsoProvidersSection.js';
import { ErrorState } from '../ui/ErrorState.js';
import { PageTitle } from '../ui/PageTitle.js';
import { LoadingBlock } from '../ui/Spinner.js';

export function AdminSettingsPage() {
  const settings = useQuery({ queryKey: queryKeys.settings, queryFn: endpoints.settings });
  return (
    <div className="page page-narrow">
      <PageTitle>Site settings</PageTitle>
      <div className="page-header">
        <div>
          <h1 className="page-title">Site settings</h1>
          <p className="page-subtitle">How invite links behave on this site. Changes apply to links created from now on.</p>
        </div>
      </div>
      {settings.isPending ? (
        <LoadingBlock label="Loading settings…" />
      ) : settings.isError ? (
        <ErrorState error={settings.error} onRetry={() => void settings.refetch()} title="Could not load the settings" />
      ) : (
        <SettingsForm key={JSON.stringify(settings.data.settings)} settings={settings.data.settings} />
      )}
      <SsoProvidersSection />
    </div>
  );
}
