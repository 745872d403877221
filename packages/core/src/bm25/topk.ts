/**
 * The k best (doc, score) pairs of a stream: higher score first, ties to the lower doc number.
 * A binary min-heap whose root is the worst kept pair, so a candidate that cannot get in costs
 * one comparison; a full sort of all matching documents would cost n·log n per query.
 */
export class TopK {
  private docs: Uint32Array;
  private scores: Float64Array;
  private k = 0;
  private n = 0;

  constructor(capacity = 16) {
    this.docs = new Uint32Array(capacity);
    this.scores = new Float64Array(capacity);
  }

  reset(k: number): void {
    if (k > this.docs.length) {
      this.docs = new Uint32Array(k);
      this.scores = new Float64Array(k);
    }
    this.k = k;
    this.n = 0;
  }

  /** Would (doc, score) enter the kept set now? */
  admits(doc: number, score: number): boolean {
    if (this.n < this.k) return true;
    const worst = this.scores[0]!;
    return score > worst || (score === worst && doc < this.docs[0]!);
  }

  /** Adds a pair that `admits` accepted. */
  push(doc: number, score: number): void {
    if (this.n < this.k) {
      this.docs[this.n] = doc;
      this.scores[this.n] = score;
      this.siftUp(this.n++);
    } else {
      this.docs[0] = doc;
      this.scores[0] = score;
      this.siftDown(0);
    }
  }

  /** The worst kept score once k pairs are kept (a lower bound of the final k-th), else −∞. */
  kth(): number {
    return this.n < this.k || this.k === 0 ? Number.NEGATIVE_INFINITY : this.scores[0]!;
  }

  /** Kept pairs, best first. */
  sorted(): { doc: number; score: number }[] {
    const out: { doc: number; score: number }[] = [];
    for (let i = 0; i < this.n; i++) out.push({ doc: this.docs[i]!, score: this.scores[i]! });
    return out.sort((a, b) => b.score - a.score || a.doc - b.doc);
  }

  /** a is worse than b: lower score, or the same score and a higher doc number. */
  private worse(a: number, b: number): boolean {
    const sa = this.scores[a]!;
    const sb = this.scores[b]!;
    return sa < sb || (sa === sb && this.docs[a]! > this.docs[b]!);
  }

  private swap(a: number, b: number): void {
    const d = this.docs[a]!;
    this.docs[a] = this.docs[b]!;
    this.docs[b] = d;
    const s = this.scores[a]!;
    this.scores[a] = this.scores[b]!;
    this.scores[b] = s;
  }

  private siftUp(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.worse(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private siftDown(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.n) return;
      const r = l + 1;
      const child = r < this.n && this.worse(r, l) ? r : l;
      if (!this.worse(child, i)) return;
      this.swap(i, child);
      i = child;
    }
  }
}
