import type { EvidenceFact } from '../types/data';
import type { Rng } from '../util/rng';
import { type Kind, kindRange, type WorldGraph } from './graph';
import { hash01 } from './hash';
import {
  isValueRelation,
  objectText,
  RELATION_INDEX,
  type Relation,
  relationQuestion,
  target,
} from './relations';
import { factSentence, passageId } from './render';
import type { SplitName, SyntheticQuestionType } from './types';

/** A question before it gets its id. */
export interface Draft {
  type: SyntheticQuestionType;
  question: string;
  answers: string[];
  evidence: EvidenceFact[];
  /** Identity of the evidence chain: two drafts with the same key are the same question. */
  key: string;
  meta: Record<string, unknown>;
}

/** Share of root entities (and so of questions) in each split. */
export const SPLIT_SHARES: Record<SplitName, number> = { train: 0.7, dev: 0.15, test: 0.15 };

/**
 * Every entity belongs to one split; a question belongs to the split of its root entities, so a
 * test question never starts from an entity a train question starts from, and no test evidence
 * chain can equal a train one (they differ in their first fact).
 */
export function splitOf(g: WorldGraph, e: number): SplitName {
  const u = hash01(g.seed, e, 0x5917);
  return u < SPLIT_SHARES.train ? 'train' : u < SPLIT_SHARES.train + SPLIT_SHARES.dev ? 'dev' : 'test';
}

/** Kinds a question can start from; "organisation" is any of the three. */
export type RootKind = Kind | 'organisation';

/** A random entity of `kind` in `split`, or -1 after a few misses. */
export function randomRoot(g: WorldGraph, rng: Rng, kind: RootKind, split: SplitName): number {
  const [lo, hi] = kind === 'organisation' ? [g.start.studio, g.start.end] : kindRange(g, kind);
  if (hi <= lo) return -1;
  for (let t = 0; t < 64; t++) {
    const e = lo + rng.int(hi - lo);
    if (splitOf(g, e) === split) return e;
  }
  return -1;
}

export function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
}

/** The gold fact (e, r) as the evidence teacher will state it. */
export function evidenceFact(g: WorldGraph, e: number, r: Relation): EvidenceFact {
  const text = factSentence(g, e, r);
  if (text === null) throw new Error(`synthetic world: ${g.names[e]} has no ${r} fact`);
  return {
    text,
    passageTitle: g.names[e]!,
    passageId: passageId(g.passageOf[e]!),
    subQuestion: relationQuestion(g, r, g.names[e]!),
    answer: objectText(g, r, target(g, e, r)),
  };
}

export function factKey(e: number, r: Relation): string {
  return `${e}.${RELATION_INDEX[r]}`;
}

/**
 * Follows `chain` from `root`: the entities reached (root first) and the facts used, or null if
 * a hop is missing or the path comes back to an entity it has visited.
 */
export function walk(g: WorldGraph, root: number, chain: readonly Relation[]): number[] | null {
  const path = [root];
  let cur = root;
  for (let i = 0; i < chain.length; i++) {
    const r = chain[i]!;
    const next = target(g, cur, r);
    if (next < 0) return null;
    if (isValueRelation(r)) {
      if (i !== chain.length - 1) return null;
    } else if (path.includes(next)) {
      return null;
    }
    path.push(next);
    cur = next;
  }
  return path;
}

/** Lower case, punctuation dropped, padded with spaces for whole-word containment tests. */
export function wordsOf(text: string): string {
  return ` ${text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()} `;
}
