// Values nearly every page reads and that change a few times a year (settings, the data-sharing
// agreement in force): a page outside a transaction may use what this process read in the last two
// seconds. A change this process makes is seen at once, because whatever makes it calls `changed()`;
// a change another instance makes is seen within two seconds. Transactions never read through here.

interface Entry<V> {
  generation: number;
  until: number;
  value: V;
}

/** Where entries live: a Map, or a WeakMap when the key is an object that may go away (a pool). */
interface EntryStore<K, V> {
  get(key: K): Entry<V> | undefined;
  set(key: K, entry: Entry<V>): unknown;
}

const SHORT_CACHE_MS = 2_000;

export class ShortCache<K, V> {
  private generation = 0;

  constructor(
    private readonly entries: EntryStore<K, V> = new Map<K, Entry<V>>(),
    private readonly ttlMs = SHORT_CACHE_MS,
  ) {}

  async get(key: K, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && hit.generation === this.generation && hit.until > performance.now()) return hit.value;
    // A change made while this read is under way leaves the value stale: it is kept under the old
    // generation, so the next read loads again.
    const seen = this.generation;
    const value = await load();
    this.entries.set(key, { generation: seen, until: performance.now() + this.ttlMs, value });
    return value;
  }

  /** Something this process wrote changed the values: every page reads afresh from now on. */
  changed(): void {
    this.generation += 1;
  }
}
