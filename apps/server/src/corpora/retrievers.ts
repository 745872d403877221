import { readFileSync } from 'node:fs';
import { Bm25Index, Bm25Retriever } from '@steper/core';
import { UserError } from '../errors';
import type { Store } from '../store/store';

/** Loaded indexes, most recently used kept: loading a large index costs more than a search. */
export class Retrievers {
  private readonly loaded = new Map<string, { path: string; retriever: Bm25Retriever }>();

  constructor(
    private readonly store: Store,
    private readonly capacity = 4,
  ) {}

  get(corpusId: string): Bm25Retriever {
    const corpus = this.store.corpora.require(corpusId);
    if (!corpus.indexPath) {
      throw new UserError(
        'PRECONDITION_FAILED',
        `Corpus ${corpusId} has no index yet. Build it with corpora.buildIndex or \`steper index\`, or wait for its index job.`,
      );
    }
    const hit = this.loaded.get(corpusId);
    if (hit && hit.path === corpus.indexPath) {
      this.loaded.delete(corpusId);
      this.loaded.set(corpusId, hit);
      return hit.retriever;
    }
    const bytes = readFileSync(this.store.path(corpus.indexPath));
    const retriever = new Bm25Retriever(
      Bm25Index.fromBytes(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)),
    );
    this.loaded.set(corpusId, { path: corpus.indexPath, retriever });
    while (this.loaded.size > this.capacity) this.loaded.delete(this.loaded.keys().next().value!);
    return retriever;
  }

  forget(corpusId: string): void {
    this.loaded.delete(corpusId);
  }
}
