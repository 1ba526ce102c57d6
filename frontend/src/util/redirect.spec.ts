import { describe, expect, it } from 'vitest';
import { internalPath } from './redirect';

describe('where sign-in sends the user back to', () => {
  it.each([
    ['/history', '/history'],
    ['/history?number=%2B4930#top', '/history?number=%2B4930#top'],
    ['/admin/live', '/admin/live'],
  ])('keeps the internal path %s', (next, path) => {
    expect(internalPath(next)).toBe(path);
  });

  it.each([
    ['another site', 'https://evil.example/'],
    ['a protocol-relative URL', '//evil.example/x'],
    ['a backslash the browser reads as a slash', '/\\evil.example'],
    ['a backslash further in', '/x\\..\\\\evil.example'],
    ['a tab the browser strips', '/\t/evil.example'],
    ['a script URL', 'javascript:alert(1)'],
    ['a relative path', 'history'],
    ['the login page itself', '/login'],
    ['nothing', undefined],
    ['a repeated query parameter', ['/a', '/b']],
  ])('goes home instead of %s', (_what, next) => {
    expect(internalPath(next)).toBe('/');
  });
});
