import { router } from '../trpc';
import { annotationsRouter } from './annotations';
import { corporaRouter } from './corpora';
import { evaluationsRouter } from './evaluations';
import { jobsRouter } from './jobs';
import { liveRouter } from './live';
import { playgroundRouter } from './playground';
import { promptsRouter } from './prompts';
import { questionSetsRouter } from './questionSets';
import { reportsRouter } from './reports';
import { stepDataRouter } from './stepData';
import { systemRouter } from './system';
import { teacherRunsRouter } from './teacherRuns';
import { teachersRouter } from './teachers';
import { trainingRouter } from './training';

export const appRouter = router({
  system: systemRouter,
  corpora: corporaRouter,
  questionSets: questionSetsRouter,
  teachers: teachersRouter,
  teacherRuns: teacherRunsRouter,
  stepData: stepDataRouter,
  annotations: annotationsRouter,
  jobs: jobsRouter,
  training: trainingRouter,
  evaluations: evaluationsRouter,
  playground: playgroundRouter,
  live: liveRouter,
  prompts: promptsRouter,
  reports: reportsRouter,
});

export type AppRouter = typeof appRouter;
