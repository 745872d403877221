import { schemaVersion } from '../store/db';
import { procedure, router } from '../trpc';

export const systemRouter = router({
  info: procedure.query(({ ctx }) => {
    const { store, runner } = ctx.wb;
    return {
      workspace: store.dir,
      schemaVersion: schemaVersion(store.db),
      activeJobs: runner.activeCount,
      counts: {
        corpora: store.corpora.list().length,
        questionSets: store.questionSets.list().length,
        teacherRuns: store.teacherRuns.list().length,
        stepDatasets: store.stepDatasets.list().length,
        trainingRuns: store.trainingRuns.list().length,
        evaluations: store.evaluations.list().length,
      },
    };
  }),
});
