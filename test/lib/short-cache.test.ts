// The short cache: a value read in the last two seconds is used again, a change this process makes is
// seen at once, and a change made during a read is not kept as fresh.
import { describe, expect, it } from '@jest/globals';
import { ShortCache } from '../../src/lib/short-cache.js';

describe('short cache', () => {
  it('when the same key is read twice within the time then the value is loaded once', async () => {
    const cache = new ShortCache<string, number>();
    let loads = 0;
    const load = async () => (loads += 1);
    expect(await cache.get('a', load)).toBe(1);
    expect(await cache.get('a', load)).toBe(1);
    expect(await cache.get('b', load)).toBe(2);
    expect(loads).toBe(2);
  });

  it('when this process changes the values then the next read loads afresh', async () => {
    const cache = new ShortCache<string, number>();
    let value = 1;
    await cache.get('a', async () => value);
    value = 2;
    cache.changed();
    expect(await cache.get('a', async () => value)).toBe(2);
  });

  it('when the time has passed then the next read loads afresh', async () => {
    const cache = new ShortCache<string, number>(new Map(), 0);
    let loads = 0;
    await cache.get('a', async () => (loads += 1));
    await new Promise((resolve) => setTimeout(resolve, 2));
    expect(await cache.get('a', async () => (loads += 1))).toBe(2);
  });

  it('when a change is made while a read is under way then that read is not kept', async () => {
    const cache = new ShortCache<string, string>();
    const read = cache.get('a', async () => {
      cache.changed(); // another request saves while this one reads the old value
      return 'old';
    });
    expect(await read).toBe('old');
    expect(await cache.get('a', async () => 'new')).toBe('new');
  });
});
