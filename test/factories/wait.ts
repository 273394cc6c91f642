/** Polls until `check` returns a truthy value (the event happened), or fails after the timeout. */
export async function waitFor<T>(check: () => T | Promise<T>, opts: { timeoutMs?: number; what?: string; everyMs?: number } = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${opts.what ?? 'a condition'}`);
    await new Promise((r) => setTimeout(r, opts.everyMs ?? 25));
  }
}
