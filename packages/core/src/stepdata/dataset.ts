import {
  type FilterRule,
  FilterRuleSchema,
  type StepConfig,
  StepConfigSchema,
  type StepDatasetManifest,
  type StepExample,
} from '../types/stepdata';
import type { Trace } from '../types/trace';
import { selectStepConfig, stepExamplesOf } from './examples';
import { matchedAnswer } from './filter';

export interface StepDatasetOptions {
  name: string;
  /** Default 'em': normalised exact match against any gold alias. */
  filterRule?: FilterRule;
  /** Default 'all' (StepER); 'agg' is Vanilla-KD's final-step-only set. */
  stepConfig?: StepConfig;
  /** ISO time recorded in the manifest; now by default. */
  createdAt?: string;
}

export interface DroppedTrace {
  questionId: string;
  reason: string;
}

export interface StepDataset {
  examples: StepExample[];
  manifest: StepDatasetManifest;
  /** Question ids of the traces kept, in input order. */
  kept: string[];
  dropped: DroppedTrace[];
}

function single<T>(traces: readonly Trace[], what: string, get: (t: Trace) => T): T {
  const values = [...new Set(traces.map(get))];
  if (values.length > 1) {
    throw new Error(
      `step dataset: traces differ in ${what} (${values.join(', ')}); build one dataset per ${what}`,
    );
  }
  return values[0] as T;
}

/**
 * Teacher traces → filtered step-wise dataset (DESIGN.md §2): a trace is dropped when it failed
 * or its prediction does not match a gold answer under the filter rule; each kept trace yields
 * its Eq. 3 examples, narrowed to the step configuration; the manifest records rule and counts.
 */
export function buildStepDataset(traces: readonly Trace[], options: StepDatasetOptions): StepDataset {
  const filterRule = FilterRuleSchema.parse(options.filterRule ?? 'em');
  const stepConfig = StepConfigSchema.parse(options.stepConfig ?? 'all');
  if (traces.length === 0)
    throw new Error('step dataset: no traces given; run a teacher over questions first');
  const loop = single(traces, 'loop', (t) => t.loop);
  const maxSteps = single(traces, 'maxSteps', (t) => t.config.maxSteps);
  const topK = single(traces, 'topK', (t) => t.config.topK);
  const generator = [...new Set(traces.map((t) => t.generator))].join(' + ');

  const examples: StepExample[] = [];
  const kept: string[] = [];
  const dropped: DroppedTrace[] = [];
  for (const trace of traces) {
    if (trace.error !== undefined) {
      dropped.push({ questionId: trace.questionId, reason: `failed: ${trace.error}` });
      continue;
    }
    const answer = matchedAnswer(trace.prediction, trace.answers, filterRule);
    if (answer === null) {
      dropped.push({
        questionId: trace.questionId,
        reason: `prediction "${trace.prediction}" does not match a gold answer (${filterRule})`,
      });
      continue;
    }
    kept.push(trace.questionId);
    examples.push(...selectStepConfig(stepExamplesOf(trace, answer), stepConfig));
  }
  const count = (stage: StepExample['stage']) => examples.filter((e) => e.stage === stage).length;
  const manifest: StepDatasetManifest = {
    name: options.name,
    createdAt: options.createdAt ?? new Date().toISOString(),
    loop,
    generator,
    maxSteps,
    topK,
    filterRule,
    stepConfig,
    counts: {
      traces: traces.length,
      kept: kept.length,
      examples: { init: count('init'), exp: count('exp'), agg: count('agg') },
    },
  };
  return { examples, manifest, kept, dropped };
}
