/** Sets the document title (React 19 hoists <title> into <head>); screen readers announce it on navigation. */
export function PageTitle({ children }: { children: string }) {
  return <title>{`${children} · Foyer`}</title>;
}
