/**
 * The pipeline e2e test builds its own page (test/e2e/pipeline-harness) and needs no app build.
 * The web branch replaces this file with the one that builds dist/web for the page-level tests.
 */
export default async function setup(): Promise<void> {}
