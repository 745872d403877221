import type { JobType } from '../jobs/runner';
import { BuildStepDataSchema, buildStepData } from './build';

/** Step-data building as a job, for runs large enough to want progress and a queue. */
export const buildJob: JobType = {
  async run({ job, store, progress }) {
    const input = BuildStepDataSchema.parse(job.payload);
    progress({ done: 0, total: 1, message: 'building step data' });
    const dataset = await buildStepData(store, input);
    progress({ done: 1 });
    return { datasetId: dataset.id, counts: dataset.manifest.counts };
  },
};
