import { describe, expect, it } from 'vitest';
import { framingFor, siteOf } from './framing.js';

describe('framing', () => {
  it('compares sites by registrable domain, scheme included', () => {
    expect(siteOf('https://phone.example.org')).toBe('https://example.org');
    expect(siteOf('https://cloud.example.co.uk:8443')).toBe('https://example.co.uk');
    expect(siteOf('http://127.0.0.1:8080')).toBe('http://127.0.0.1');
    expect(siteOf('http://localhost:3000')).toBe('http://localhost');
  });

  it.each([
    ['nothing framed', 'https://phone.example.org', [], 'strict'],
    ['a sibling under the same domain', 'https://phone.example.org', ['https://cloud.example.org'], 'lax'],
    ['another site', 'https://phone.example.org', ['https://cloud.example.net'], 'none'],
    ['one of several elsewhere', 'https://phone.example.org', ['https://cloud.example.org', 'https://talk.other.org'], 'none'],
    ['two customers of one public suffix', 'https://phone.alice.co.uk', ['https://cloud.bob.co.uk'], 'none'],
    ['the same domain over plain http', 'https://phone.example.org', ['http://cloud.example.org'], 'none'],
    ['an unknown own address', null, ['https://cloud.example.org'], 'none'],
  ] as const)('%s: SameSite=%s', (_name, own, ancestors, expected) => {
    expect(framingFor(own, ancestors).cookieSameSite).toBe(expected);
  });

  it('lists each ancestor once', () => {
    expect(framingFor(null, ['https://a.example', 'https://a.example']).ancestors).toEqual(['https://a.example']);
  });
});
