import { type Judge, LmJudge, OfflineEvidenceJudge } from '@steper/core';
import type { Store } from '../../store/store';
import { createTeacher } from '../../teachers/create';
import type { Endpoints } from '../../teachers/endpoints';
import type { JudgeSpec } from './config';

export interface CreatedJudge {
  judge: Judge;
  offline: boolean;
  /** Endpoint and model — never the key. */
  describe: Record<string, unknown>;
  /** Requests in flight at once. */
  concurrency: number;
  probe(signal?: AbortSignal): Promise<void>;
}

/**
 * The judge a spec names. An LM judge is the teacher client itself behind the teacher response
 * cache (content-addressed, calls accounted to the judgement), so judging again costs nothing.
 */
export function createJudge(
  spec: JudgeSpec,
  deps: { store: Store; endpoints: Endpoints; owner: string },
  maxTokens: number,
): CreatedJudge {
  if (spec.kind === 'offline') {
    const judge = new OfflineEvidenceJudge();
    return {
      judge,
      offline: true,
      describe: { kind: 'offline', label: judge.label },
      concurrency: 8,
      probe: async () => {},
    };
  }
  const teacher = createTeacher(spec, deps);
  const judge = new LmJudge(teacher.generator, { maxTokens });
  return {
    judge,
    offline: false,
    describe: { ...teacher.describe, label: judge.label },
    concurrency: spec.concurrency,
    probe: (signal) => teacher.probe(signal),
  };
}
