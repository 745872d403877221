import type { Rng } from '../util/rng';
import TEMPLATES from './data/templates.json';
import { type Draft, evidenceFact, factKey, fill, type RootKind, randomRoot, walk, wordsOf } from './draft';
import type { Kind, WorldGraph } from './graph';
import {
  isRelation,
  isValueRelation,
  objectAnswers,
  RELATION_SPEC,
  RELATION_TEXT,
  RELATIONS,
  type Relation,
  relationQuestion,
  target,
} from './relations';
import type { SplitName, SyntheticQuestionType } from './types';

/** Kinds a chain question may start from (cities and countries are only reached). */
const CHAIN_ROOTS: readonly Kind[] = ['film', 'person', 'studio', 'university', 'company'];

/** Hops that would only walk back (the spouse of the spouse, the country of the capital). */
const BACKTRACKS = new Set(['spouse>spouse', 'capital>country', 'country>capital']);

export interface ChainPattern {
  root: Kind;
  relations: Relation[];
}

/** Every relation path of `hops` hops from a root kind; value relations only at the end. */
export function chainPatterns(hops: number): ChainPattern[] {
  const out: ChainPattern[] = [];
  const extend = (root: Kind, kind: Kind, path: Relation[]) => {
    if (path.length === hops) {
      out.push({ root, relations: path });
      return;
    }
    for (const r of RELATIONS) {
      const spec = RELATION_SPEC[r];
      if (!spec.subjects.includes(kind)) continue;
      const last = path[path.length - 1];
      if (last !== undefined && BACKTRACKS.has(`${last}>${r}`)) continue;
      if (isValueRelation(r)) {
        if (path.length === hops - 1) out.push({ root, relations: [...path, r] });
        continue;
      }
      extend(root, spec.object as Kind, [...path, r]);
    }
  };
  for (const root of CHAIN_ROOTS) extend(root, root, []);
  return out;
}

/** 2Wiki "inference": a kinship word standing for two hops ("paternal grandfather"). */
export interface InferenceSpec {
  id: string;
  chain: Relation[];
  question: string;
}

export const INFERENCE: InferenceSpec[] = TEMPLATES.inference.map((s) => {
  const bad = s.chain.find((r) => !isRelation(r));
  if (bad !== undefined)
    throw new Error(`synthetic templates.json: inference "${s.id}" uses unknown relation "${bad}"`);
  return { ...s, chain: s.chain as Relation[] };
});

/**
 * A question that walks `chain` from `root` and asks for the last object, phrased by nesting
 * noun phrases ("Where was the director of X born?"), or null when the walk fails or the answer
 * could be read off the question.
 */
function chainDraft(
  g: WorldGraph,
  type: SyntheticQuestionType,
  root: number,
  chain: readonly Relation[],
  question: string,
  meta: Record<string, unknown>,
): Draft | null {
  const path = walk(g, root, chain);
  if (path === null) return null;
  const evidence = chain.map((r, i) => evidenceFact(g, path[i]!, r));
  const last = chain[chain.length - 1]!;
  const answers = objectAnswers(g, last, target(g, path[chain.length - 1]!, last));
  const q = wordsOf(question);
  if (answers.some((a) => q.includes(wordsOf(a)))) return null;
  return {
    type,
    question,
    answers,
    evidence,
    key: chain.map((r, i) => factKey(path[i]!, r)).join(' '),
    meta: { ...meta, relations: [...chain], roots: [g.names[root]!] },
  };
}

/** Compositional (2 hops) or bridge (3-4 hops) question along a random relation path. */
export function drawChain(
  g: WorldGraph,
  rng: Rng,
  patterns: readonly ChainPattern[],
  type: SyntheticQuestionType,
  split: SplitName,
): Draft | null {
  const pattern = rng.pick(patterns);
  const root = randomRoot(g, rng, pattern.root as RootKind, split);
  if (root < 0) return null;
  const rels = pattern.relations;
  let np = g.names[root]!;
  for (const r of rels.slice(0, -1)) np = fill(RELATION_TEXT[r].np, { x: np });
  const question = relationQuestion(g, rels[rels.length - 1]!, np);
  return chainDraft(g, type, root, rels, question, { split });
}

export function drawInference(g: WorldGraph, rng: Rng, split: SplitName): Draft | null {
  const spec = rng.pick(INFERENCE);
  const root = randomRoot(g, rng, 'person', split);
  if (root < 0) return null;
  const question = fill(spec.question, { x: g.names[root]! });
  return chainDraft(g, 'inference', root, spec.chain, question, { split, spec: spec.id });
}
