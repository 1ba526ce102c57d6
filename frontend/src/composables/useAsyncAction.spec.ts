import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../services/http';
import { toastError, toastSuccess } from '../util/toast';
import { useAsyncAction } from './useAsyncAction';

vi.mock('../util/toast', () => ({ toastSuccess: vi.fn(), toastError: vi.fn() }));
beforeEach(() => vi.clearAllMocks());

describe('useAsyncAction', () => {
  it('is pending while an action runs and forgets the last error when the next starts', async () => {
    const { pending, error, run } = useAsyncAction();
    expect(await run(() => Promise.reject(new Error('down')))).toBe(false);
    expect(error.value).toBe('Something went wrong: down');
    let finish!: () => void;
    const running = run(() => new Promise<void>((resolve) => (finish = resolve)));
    expect(pending.value).toBe(true);
    expect(error.value).toBeNull();
    finish();
    expect(await running).toBe(true);
    expect(pending.value).toBe(false);
  });

  it('says how an action the user took ended in a toast, and a page loading in none', async () => {
    const { run } = useAsyncAction({ known: { did_taken: 'numbers.taken' } });
    await run(() => Promise.resolve(), 'Number added');
    expect(toastSuccess).toHaveBeenCalledWith('Number added');
    await run(() => Promise.reject(new ApiError(409, 'did_taken', 'taken')), 'Number added');
    expect(toastError).toHaveBeenCalledWith('This number is already assigned.');
    await run(() => Promise.reject(new Error('down')));
    await run(() => Promise.resolve());
    expect(toastSuccess).toHaveBeenCalledTimes(1);
    expect(toastError).toHaveBeenCalledTimes(1);
  });

  it('stays pending until the last of two overlapping actions ends', async () => {
    const { pending, run } = useAsyncAction();
    let first!: () => void;
    const one = run(() => new Promise<void>((resolve) => (first = resolve)));
    const two = run(() => Promise.resolve());
    await two;
    expect(pending.value).toBe(true);
    first();
    await one;
    expect(pending.value).toBe(false);
  });

  it("says a known backend code in the page's words, and anything else in its fallback", async () => {
    const { error, run } = useAsyncAction({ known: { did_taken: 'numbers.taken' }, otherwise: 'login.error.unknown' });
    await run(() => Promise.reject(new ApiError(409, 'did_taken', 'Number already assigned')));
    expect(error.value).toBe('This number is already assigned.');
    await run(() => Promise.reject(new ApiError(500, 'internal', 'Internal error')));
    expect(error.value).toBe('Sign-in failed: Internal error');
    await run(() => Promise.reject(new TypeError('Failed to fetch')));
    expect(error.value).toBe('Sign-in failed: Failed to fetch');
  });
});
