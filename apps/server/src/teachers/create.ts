import { EvidenceTeacher, type Generator } from '@steper/core';
import type { Store } from '../store/store';
import { CachedGenerator } from './cache';
import type { Endpoints } from './endpoints';
import { OpenAiGenerator } from './openai';
import { type ReplicaHealth, ReplicaPool } from './replicas';
import type { TeacherSpec } from './spec';

export interface Teacher {
  generator: Generator;
  /** What the run records about the teacher: label, endpoint, model — never the key. */
  describe: Record<string, unknown>;
  /** Checks the server answers before anything is written; a no-op offline. */
  probe(signal?: AbortSignal): Promise<void>;
  /** Per-server state of a replicated teacher. */
  health?: () => ReplicaHealth[];
}

/**
 * The teacher a spec names. LM teachers go through the content cache, so a resumed or repeated
 * run never pays twice; the offline evidence teacher costs nothing and is not cached.
 */
export function createTeacher(
  spec: TeacherSpec,
  deps: { store: Store; endpoints: Endpoints; owner: string | null },
): Teacher {
  if (spec.kind === 'evidence') {
    const generator = new EvidenceTeacher();
    return { generator, describe: { kind: 'evidence', label: generator.label }, probe: async () => {} };
  }
  if (spec.replicas) {
    const members = spec.replicas.map((r) => ({
      endpoint: deps.endpoints.resolve({
        ...spec,
        replicas: undefined,
        endpoint: r.endpoint,
        baseURL: r.baseURL,
      }),
      concurrency: r.concurrency ?? spec.concurrency,
    }));
    const pool = new ReplicaPool(spec, members);
    return {
      generator: new CachedGenerator(pool, deps.store.teacherCache, deps.owner),
      describe: {
        ...spec,
        label: pool.label,
        baseURLs: members.map((m) => m.endpoint.baseURL),
        model: pool.model,
      },
      probe: (signal) => pool.probe(signal),
      health: () => pool.health(),
    };
  }
  const endpoint = deps.endpoints.resolve(spec);
  const client = new OpenAiGenerator(spec, endpoint);
  return {
    generator: new CachedGenerator(client, deps.store.teacherCache, deps.owner),
    describe: { ...spec, label: client.label, baseURL: endpoint.baseURL, model: endpoint.model },
    probe: (signal) => client.probe(signal),
  };
}
