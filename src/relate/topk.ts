/**
 * The k best of a stream of (score, id) pairs with a bounded binary heap:
 * O(n log k) time, O(k) memory. Higher scores are better; between equal
 * scores the lower id is better, so the result never depends on the order
 * the pairs arrive in.
 */
export class TopK {
  private readonly scores: Float64Array;
  private readonly ids: Int32Array;
  private length = 0;

  constructor(readonly capacity: number) {
    this.scores = new Float64Array(Math.max(0, capacity));
    this.ids = new Int32Array(Math.max(0, capacity));
  }

  get size(): number {
    return this.length;
  }

  clear(): void {
    this.length = 0;
  }

  /** Offers a pair; kept if the heap has room or it beats the worst kept pair. */
  push(score: number, id: number): void {
    if (this.capacity <= 0) return;
    if (this.length < this.capacity) {
      this.scores[this.length] = score;
      this.ids[this.length] = id;
      this.siftUp(this.length++);
    } else if (better(score, id, this.scores[0] ?? 0, this.ids[0] ?? 0)) {
      this.scores[0] = score;
      this.ids[0] = id;
      this.siftDown(0);
    }
  }

  /** The kept ids, best first. */
  sortedIds(): number[] {
    const entries: { score: number; id: number }[] = [];
    for (let i = 0; i < this.length; i++) entries.push({ score: this.scores[i] ?? 0, id: this.ids[i] ?? 0 });
    entries.sort((a, b) => b.score - a.score || a.id - b.id);
    return entries.map((entry) => entry.id);
  }

  /** The heap keeps the worst pair at the root: a parent is never better than its children. */
  private worse(i: number, j: number): boolean {
    return better(this.scores[j] ?? 0, this.ids[j] ?? 0, this.scores[i] ?? 0, this.ids[i] ?? 0);
  }

  private swap(i: number, j: number): void {
    const score = this.scores[i] ?? 0;
    const id = this.ids[i] ?? 0;
    this.scores[i] = this.scores[j] ?? 0;
    this.ids[i] = this.ids[j] ?? 0;
    this.scores[j] = score;
    this.ids[j] = id;
  }

  private siftUp(index: number): void {
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.worse(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private siftDown(index: number): void {
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let worst = i;
      if (left < this.length && this.worse(left, worst)) worst = left;
      if (right < this.length && this.worse(right, worst)) worst = right;
      if (worst === i) return;
      this.swap(i, worst);
      i = worst;
    }
  }
}

/** Whether (score, id) ranks before (otherScore, otherId). */
export function better(score: number, id: number, otherScore: number, otherId: number): boolean {
  return score > otherScore || (score === otherScore && id < otherId);
}
