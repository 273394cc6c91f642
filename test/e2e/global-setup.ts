import { buildIfStale } from '../../scripts/build-if-stale.mjs';

/** E2E tests drive the built app: build the server and the web app first when they are stale. */
export default async function setup(): Promise<void> {
  await buildIfStale({ log: (line) => console.log(line) });
}
