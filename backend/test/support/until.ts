/**
 * Polls `probe` until `ok` holds for its value; fails with the last value
 * after `ms`, an upper bound for a busy machine (it returns as soon as the
 * condition holds).
 */
export async function until<T>(probe: () => T | Promise<T>, ok: (v: T) => boolean, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`condition not met in ${ms} ms; last value: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
