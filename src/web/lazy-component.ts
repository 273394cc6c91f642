import { createElement, lazy, useState, type ComponentType } from 'react';

/**
 * A component in a chunk of its own. Unlike a bare `React.lazy`, once its module has loaded (say it
 * was prefetched) it renders at once: React.lazy would still suspend on first render, and React holds
 * a revealed Suspense boundary's content back for about 300 ms. Until then it suspends like
 * React.lazy: put a <Suspense> around it. `load` starts the download and can be called any time.
 */
export function lazyComponent<P extends object>(load: () => Promise<ComponentType<P>>): { Component: ComponentType<P>; load: () => Promise<ComponentType<P>> } {
  let loaded: ComponentType<P> | undefined;
  let pending: Promise<ComponentType<P>> | undefined;
  const start = () =>
    (pending ??= load().then(
      (c) => (loaded = c),
      (err: unknown) => {
        pending = undefined; // a failed download is tried again next time
        throw err;
      },
    ));
  const Lazy = lazy(() => start().then((c) => ({ default: c })));
  function Component(props: P) {
    // Chosen once per mounted instance: switching types later would remount it and lose its state.
    const [Impl] = useState<ComponentType<P>>(() => loaded ?? (Lazy as unknown as ComponentType<P>));
    return createElement(Impl, props);
  }
  return { Component, load: start };
}
