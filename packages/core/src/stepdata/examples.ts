import { renderChain, renderStudentPrompt } from '../prompts/render';
import type { Passage } from '../types/data';
import type { StepConfig, StepExample } from '../types/stepdata';
import type { Stage, Trace } from '../types/trace';

/** P_≤s for each step s of a trace, rebuilt from what the trace retrieved. */
function accessiblePassages(trace: Trace, step: number): Passage[] {
  const byId = new Map<string, Passage>();
  for (const s of trace.steps) {
    for (const p of s.retrieved)
      if (!byId.has(p.id)) byId.set(p.id, { id: p.id, title: p.title, text: p.text });
  }
  const record = trace.steps.find((s) => s.step === step);
  if (!record) throw new Error(`trace ${trace.questionId}: no step ${step} recorded`);
  return record.accessibleIds.map((id) => {
    const p = byId.get(id);
    if (!p)
      throw new Error(`trace ${trace.questionId}: step ${step} lists passage "${id}" it never retrieved`);
    return p;
  });
}

function example(trace: Trace, stage: Stage, step: number, target: string, knownPrefix: string): StepExample {
  const passages = accessiblePassages(trace, step);
  return {
    id: `${trace.questionId}:${stage}:${step}`,
    questionId: trace.questionId,
    stage,
    step,
    loop: trace.loop,
    prompt: renderStudentPrompt(trace.loop, trace.question, passages),
    target,
    knownPrefix,
    passageIds: passages.map((p) => p.id),
  };
}

/**
 * Paper Eq. 3 for one kept trace that aggregated at step t, with `answer` the gold alias it
 * matched:
 *   init:  (q, P_≤1) → R_≤1
 *   exp:   (q, P_≤s) → R_≤s            for s = 2 … t−1
 *   agg:   (q, P_≤t) → R_<t ‖ "<flag> a"
 * Each target is the whole chain so far; knownPrefix is its R_≤s−1 part (masked only in the
 * prefix-masking ablation).
 */
export function stepExamplesOf(trace: Trace, answer: string): StepExample[] {
  const t = trace.aggregatedAt;
  const chain = trace.chain;
  if (t < 1 || chain.length !== t - 1) {
    throw new Error(
      `trace ${trace.questionId}: aggregated at step ${t} but keeps ${chain.length} reasoning steps; a trace that aggregates at t keeps r_1 … r_t−1`,
    );
  }
  const out: StepExample[] = [];
  for (let s = 1; s < t; s++) {
    const target = renderChain(trace.loop, chain.slice(0, s));
    const known = renderChain(trace.loop, chain.slice(0, s - 1));
    out.push(example(trace, s === 1 ? 'init' : 'exp', s, target, known));
  }
  out.push(example(trace, 'agg', t, renderChain(trace.loop, chain, answer), renderChain(trace.loop, chain)));
  return out;
}

/** The step configurations of §6.1: {agg} (Vanilla-KD), {init, agg}, {init, first exp, agg}, all. */
export function selectStepConfig(examples: readonly StepExample[], config: StepConfig): StepExample[] {
  switch (config) {
    case 'agg':
      return examples.filter((e) => e.stage === 'agg');
    case 'init+agg':
      return examples.filter((e) => e.stage !== 'exp');
    case 'init+exp1+agg':
      return examples.filter((e) => e.stage !== 'exp' || e.step === 2);
    case 'all':
      return examples.slice();
  }
}
