import { join } from 'node:path';
import { analysisJob } from './analysis/job';
import { indexJob } from './corpora/indexJob';
import { Retrievers } from './corpora/retrievers';
import { evalJob } from './evaluation/job';
import { judgeJob } from './evaluation/judge/job';
import { JobRunner, type JobType } from './jobs/runner';
import { buildJob } from './stepdata/job';
import type { JobKind } from './store/jobs';
import { Store } from './store/store';
import { teachJob } from './teach/job';
import { Endpoints } from './teachers/endpoints';
import { exportJob } from './training/export';
import { type TrainerCommand, trainJob } from './training/job';

export interface WorkbenchOptions {
  workspace: string;
  /** Server-side endpoints file (teacher URLs and keys); `<workspace>/endpoints.json` by default. */
  endpointsFile?: string;
  /** Jobs running at once. */
  jobConcurrency?: number;
  /** How the trainer is started; `uv run --project apps/trainer python -m steper_trainer` by default. */
  trainer?: TrainerCommand;
  env?: Record<string, string | undefined>;
  /** Clients reach this workbench over the network (steper serve): OPENAI_API_KEY then goes only to OPENAI_BASE_URL. */
  servesClients?: boolean;
}

/** One open workspace with everything that works on it: the store, the job runner, teachers, indexes. */
export class Workbench {
  readonly store: Store;
  readonly runner: JobRunner;
  readonly retrievers: Retrievers;
  readonly endpoints: Endpoints;
  readonly trainer: TrainerCommand | undefined;

  constructor(opts: WorkbenchOptions) {
    this.store = Store.open(opts.workspace);
    this.endpoints = Endpoints.load(opts.endpointsFile ?? join(this.store.dir, 'endpoints.json'), opts.env, {
      envKeyOnlyToEnvURL: opts.servesClients ?? false,
    });
    this.retrievers = new Retrievers(this.store);
    this.trainer = opts.trainer;
    const types: Record<JobKind, JobType> = {
      index: indexJob,
      teach: teachJob(this),
      build: buildJob,
      train: trainJob(this),
      eval: evalJob(this),
      judge: judgeJob(this),
      analysis: analysisJob(this),
      export: exportJob(this),
    };
    this.runner = new JobRunner(this.store, types, { concurrency: opts.jobConcurrency ?? 2 });
  }

  async close(): Promise<void> {
    await this.runner.stop();
    this.store.close();
  }
}
