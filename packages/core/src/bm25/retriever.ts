import type { Passage } from '../types/data';
import type { Retriever, ScoredPassage } from '../types/generator';
import { type Bm25BuildOptions, Bm25Index } from './bm25-index';

/**
 * The embedded Retriever: a Bm25Index plus the passages it returns. Passages come from the
 * index's own store, or, for an index built with `storeText: false`, from the passages given.
 */
export class Bm25Retriever implements Retriever {
  private readonly byId: Map<string, Passage> | undefined;

  constructor(
    readonly index: Bm25Index,
    passages?: Iterable<Passage>,
  ) {
    if (passages !== undefined) {
      this.byId = new Map();
      for (const p of passages) this.byId.set(p.id, p);
    } else if (!index.hasText) {
      throw new Error(
        'Bm25Retriever: this index keeps passage ids only (storeText: false); pass the passages too',
      );
    }
  }

  static fromPassages(passages: Iterable<Passage>, options?: Bm25BuildOptions): Bm25Retriever {
    return new Bm25Retriever(Bm25Index.build(passages, options));
  }

  async search(query: string, k: number, exclude?: ReadonlySet<string>): Promise<ScoredPassage[]> {
    return this.index.search(query, k, exclude).map((hit) => {
      const p = this.byId ? this.byId.get(hit.id) : this.index.passage(hit.doc);
      if (p === undefined)
        throw new Error(`Bm25Retriever: passage "${hit.id}" is in the index but not given`);
      return { id: hit.id, title: p.title, text: p.text, score: hit.score };
    });
  }

  passage(id: string): Passage | undefined {
    if (this.byId) return this.byId.get(id);
    const doc = this.index.docOf(id);
    return doc === undefined ? undefined : this.index.passage(doc);
  }
}
