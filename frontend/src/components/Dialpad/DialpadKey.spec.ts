import { mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import DialpadKey from './DialpadKey.vue';

function mountZero() {
  return mount(DialpadKey, { props: { digit: '0', held: '+', heldHintId: 'hint' } });
}
const pressed = (wrapper: ReturnType<typeof mountZero>) => (wrapper.emitted('press') ?? []).map(([v]) => v);

describe('DialpadKey', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('gives its digit on a short press', async () => {
    const wrapper = mountZero();
    await wrapper.trigger('pointerdown');
    await vi.advanceTimersByTimeAsync(300);
    await wrapper.trigger('pointerup');
    await wrapper.trigger('click');
    expect(pressed(wrapper)).toEqual(['0']);
  });

  it('gives its second value once when held ~500 ms, and not the digit on release', async () => {
    const wrapper = mountZero();
    await wrapper.trigger('pointerdown');
    await vi.advanceTimersByTimeAsync(499);
    expect(pressed(wrapper)).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(pressed(wrapper)).toEqual(['+']);
    await vi.advanceTimersByTimeAsync(2000);
    await wrapper.trigger('pointerup');
    await wrapper.trigger('click');
    expect(pressed(wrapper)).toEqual(['+']);
    // the next short press is a digit again
    await wrapper.trigger('pointerdown');
    await wrapper.trigger('pointerup');
    await wrapper.trigger('click');
    expect(pressed(wrapper)).toEqual(['+', '0']);
  });

  it('gives nothing held when the pointer slides off the key before 500 ms', async () => {
    const wrapper = mountZero();
    await wrapper.trigger('pointerdown');
    await wrapper.trigger('pointerleave');
    await vi.advanceTimersByTimeAsync(1000);
    expect(pressed(wrapper)).toEqual([]);
  });

  it.each(['Enter', ' '])('works by keyboard: %j tapped gives the digit, held gives the second value', async (key) => {
    const wrapper = mountZero();
    await wrapper.trigger('keydown', { key });
    await wrapper.trigger('keyup', { key });
    expect(pressed(wrapper)).toEqual(['0']);
    await wrapper.trigger('keydown', { key });
    await vi.advanceTimersByTimeAsync(250);
    // auto-repeat while held starts nothing new
    await wrapper.trigger('keydown', { key, repeat: true });
    await vi.advanceTimersByTimeAsync(250);
    await wrapper.trigger('keyup', { key });
    expect(pressed(wrapper)).toEqual(['0', '+']);
  });

  it('names the key by its digit and its letters (the words printed on it), and points to the words that say what holding it gives', () => {
    const wrapper = mountZero();
    expect(wrapper.attributes('aria-label')).toBe('0');
    expect(wrapper.attributes('aria-describedby')).toBe('hint');
    const two = mount(DialpadKey, { props: { digit: '2', letters: 'ABC' } });
    expect(two.attributes('aria-label')).toBe('2 ABC');
    expect(two.attributes('aria-describedby')).toBeUndefined();
    expect(two.get('.dialpad-key__letters').text()).toBe('ABC');
  });
});
