/**
 * How the API knows its cached views are still true: every map the views read from counts its
 * writes on a StateRevision. The leader applies each change by putting a new record in one of
 * these maps (records are never changed in place), so "the count moved" is exactly "a view may
 * show something else now", whichever loop, agent message or API write made the change.
 */

export class StateRevision {
  private count = 0;

  get value(): number {
    return this.count;
  }

  bump(): void {
    this.count++;
  }
}

/**
 * What a cached view was built from: `source` tells one leadership term's state from the next
 * (a new Master starts counting again), `value` the changes within it.
 */
export interface ViewRevision {
  readonly source: object;
  readonly value: number;
}

/**
 * A Map that bumps `revision` on every write, and tells `touched` (when given) which key it
 * wrote. Build it empty (Map's constructor calls `set`).
 */
export class RevisedMap<K, V> extends Map<K, V> {
  constructor(
    private readonly revision: StateRevision,
    private readonly touched?: (key: K) => void,
  ) {
    super();
  }

  override set(key: K, value: V): this {
    this.revision.bump();
    this.touched?.(key);
    return super.set(key, value);
  }

  override delete(key: K): boolean {
    const had = super.delete(key);
    if (had) {
      this.revision.bump();
      this.touched?.(key);
    }
    return had;
  }

  override clear(): void {
    if (this.size > 0) this.revision.bump();
    if (this.touched) for (const key of this.keys()) this.touched(key);
    super.clear();
  }
}
