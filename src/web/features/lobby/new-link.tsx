import { Suspense, type ComponentProps } from 'react';
import { lazyComponent } from '../../lazy-component.js';
import { LoadingBlock } from '../../ui/Spinner.js';
import type * as Real from './NewLinkForm.js';

/*
 * "Email me a new link" is a side path of the lobby, and its form validates with the shared zod
 * schema: its own chunk, so the lobby's first load carries neither (docs/web-app.md, "Code splitting").
 */
const load = () => import('./NewLinkForm.js');
const Form = lazyComponent(() => load().then((m) => m.NewLinkForm)).Component;
const Sent = lazyComponent(() => load().then((m) => m.NewLinkSent)).Component;

export function NewLinkForm(props: ComponentProps<typeof Real.NewLinkForm>) {
  return (
    <Suspense fallback={<LoadingBlock />}>
      <Form {...props} />
    </Suspense>
  );
}

export function NewLinkSent(props: ComponentProps<typeof Real.NewLinkSent>) {
  return (
    <Suspense fallback={<LoadingBlock />}>
      <Sent {...props} />
    </Suspense>
  );
}
