import type { Rng } from '../util/rng';
import TEMPLATES from './data/templates.json';
import { type Draft, evidenceFact, factKey, fill, type RootKind, randomRoot, splitOf } from './draft';
import { KINDS, kindOf, type WorldGraph } from './graph';
import { isRelation, isValueRelation, RELATION_SPEC, type Relation, target } from './relations';
import type { SplitName } from './types';

/**
 * A comparison of two roots on an attribute — of the roots themselves ("Which film came out
 * first?") or of an entity one hop away (2Wiki bridge_comparison: "Are the directors of X and
 * Y from the same country?"). "order" asks which is earlier or later, "same" asks yes/no.
 */
export interface ComparisonSpec {
  id: string;
  root: RootKind;
  via?: Relation;
  attr: Relation;
  mode: 'order' | 'same';
  earlier?: string;
  later?: string;
  same?: string;
}

function specs(list: readonly Record<string, string | undefined>[], where: string): ComparisonSpec[] {
  return list.map((s) => {
    const fail = (why: string) => {
      throw new Error(`synthetic templates.json: ${where} "${s.id}": ${why}`);
    };
    const root = s.root as RootKind;
    if (root !== 'organisation' && !(KINDS as readonly string[]).includes(root))
      fail(`unknown root "${s.root}"`);
    for (const r of [s.attr, s.via]) if (r !== undefined && !isRelation(r)) fail(`unknown relation "${r}"`);
    if (s.mode !== 'order' && s.mode !== 'same') fail('mode must be "order" or "same"');
    if (s.mode === 'order' && (!s.earlier || !s.later))
      fail('an order comparison needs "earlier" and "later"');
    if (s.mode === 'same' && !s.same) fail('a same comparison needs "same"');
    if (s.mode === 'same' && isValueRelation(s.attr as Relation)) fail('a same comparison compares entities');
    return { ...s, root } as ComparisonSpec;
  });
}

export const COMPARISONS = specs(TEMPLATES.comparison, 'comparison');
export const BRIDGE_COMPARISONS = specs(TEMPLATES.bridgeComparison, 'bridgeComparison');

/** object → subjects of one relation, in compressed rows; built once per world when first needed. */
interface Inverse {
  offsets: Int32Array;
  subjects: Int32Array;
}

export class ComparisonDrawer {
  private readonly inverses = new Map<Relation, Inverse>();

  constructor(
    private readonly g: WorldGraph,
    private readonly rng: Rng,
  ) {}

  /** `turn` counts the questions of this kind drawn so far: it alternates yes/no and the answer's position. */
  draw(spec: ComparisonSpec, split: SplitName, turn: number): Draft | null {
    const { g, rng } = this;
    const a = randomRoot(g, rng, spec.root, split);
    if (a < 0) return null;
    const ma = spec.via ? target(g, a, spec.via) : a;
    if (ma < 0) return null;
    const va = target(g, ma, spec.attr);
    if (va < 0) return null;
    const wantSame = spec.mode === 'same' && turn % 2 === 0;
    const b = wantSame ? this.sameAs(spec, a, ma, va, split) : randomRoot(g, rng, spec.root, split);
    if (b < 0 || b === a) return null;
    const mb = spec.via ? target(g, b, spec.via) : b;
    if (mb < 0 || mb === ma) return null;
    const vb = target(g, mb, spec.attr);
    if (
      vb < 0 ||
      (spec.mode === 'order' && va === vb) ||
      (spec.mode === 'same' && (va === vb) !== wantSame)
    ) {
      return null;
    }

    let first = a;
    let second = b;
    let answer: string;
    let template: string;
    let asked: string;
    if (spec.mode === 'order') {
      asked = turn % 2 === 0 ? 'earlier' : 'later';
      const winner = (asked === 'earlier') === va < vb ? a : b;
      const loser = winner === a ? b : a;
      // The answer is the first option in half of the questions, the second in the other half.
      [first, second] = Math.floor(turn / 2) % 2 === 0 ? [winner, loser] : [loser, winner];
      answer = g.names[winner]!;
      template = (asked === 'earlier' ? spec.earlier : spec.later)!;
    } else {
      asked = 'same';
      answer = wantSame ? 'yes' : 'no';
      template = spec.same!;
    }
    const side = (root: number) => {
      const facts = [];
      const m = spec.via ? target(g, root, spec.via) : root;
      if (spec.via) facts.push(evidenceFact(g, root, spec.via));
      facts.push(evidenceFact(g, m, spec.attr));
      const keys = spec.via ? [factKey(root, spec.via), factKey(m, spec.attr)] : [factKey(m, spec.attr)];
      return { facts, keys };
    };
    const s1 = side(first);
    const s2 = side(second);
    return {
      type: spec.via ? 'bridge_comparison' : 'comparison',
      question: fill(template, { a: g.names[first]!, b: g.names[second]! }),
      answers: [answer],
      evidence: [...s1.facts, ...s2.facts],
      // Unordered: "X or Y" and "Y or X", earlier or later, ask the same thing.
      key: [...s1.keys, ...s2.keys].sort().join(' '),
      meta: {
        split,
        spec: spec.id,
        asked,
        relations: spec.via ? [spec.via, spec.attr] : [spec.attr],
        roots: [g.names[first]!, g.names[second]!],
      },
    };
  }

  /** A root b ≠ a in `split` whose attribute (through `via`) equals va, or -1. */
  private sameAs(spec: ComparisonSpec, a: number, ma: number, va: number, split: SplitName): number {
    const { g, rng } = this;
    const holders = this.inverse(spec.attr);
    const lo = holders.offsets[va]!;
    const count = holders.offsets[va + 1]! - lo;
    if (count === 0) return -1;
    const roots = spec.via ? this.inverse(spec.via) : null;
    for (let t = 0; t < 24; t++) {
      const m = holders.subjects[lo + rng.int(count)]!;
      if (m === ma) continue;
      let b = m;
      if (roots) {
        const rlo = roots.offsets[m]!;
        const rcount = roots.offsets[m + 1]! - rlo;
        if (rcount === 0) continue;
        b = roots.subjects[rlo + rng.int(rcount)]!;
      }
      if (b !== a && splitOf(g, b) === split && this.rootMatches(spec.root, b)) return b;
    }
    return -1;
  }

  private rootMatches(root: RootKind, e: number): boolean {
    const kind = kindOf(this.g, e);
    return root === 'organisation'
      ? kind === 'studio' || kind === 'university' || kind === 'company'
      : kind === root;
  }

  private inverse(r: Relation): Inverse {
    let inv = this.inverses.get(r);
    if (inv) return inv;
    const { g } = this;
    const offsets = new Int32Array(g.size + 1);
    const subjectKinds = RELATION_SPEC[r].subjects;
    const each = (f: (s: number, o: number) => void) => {
      for (const kind of subjectKinds) {
        const k = KINDS.indexOf(kind);
        const hi = k + 1 < KINDS.length ? g.start[KINDS[k + 1]!] : g.start.end;
        for (let s = g.start[kind]; s < hi; s++) {
          const o = target(g, s, r);
          if (o >= 0) f(s, o);
        }
      }
    };
    each((_, o) => {
      offsets[o + 1] = offsets[o + 1]! + 1;
    });
    for (let i = 0; i < g.size; i++) offsets[i + 1] = offsets[i + 1]! + offsets[i]!;
    const subjects = new Int32Array(offsets[g.size]!);
    const next = offsets.slice(0, g.size);
    each((s, o) => {
      subjects[next[o]!] = s;
      next[o] = next[o]! + 1;
    });
    inv = { offsets, subjects };
    this.inverses.set(r, inv);
    return inv;
  }
}
