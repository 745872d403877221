import type { AppRouter } from '@steper/server/routers/_app';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';

export type Outputs = inferRouterOutputs<AppRouter>;
export type Inputs = inferRouterInputs<AppRouter>;

export type Job = Outputs['jobs']['list'][number];
export type JobStatus = Job['status'];
export type Corpus = Outputs['corpora']['list'][number];
export type QuestionSetRow = Outputs['questionSets']['list'][number];
export type TeacherRun = Outputs['teacherRuns']['list'][number];
export type TraceRow = Outputs['teacherRuns']['trace'];
export type StepDataset = Outputs['stepData']['list'][number];
export type Annotation = Outputs['annotations']['list'][number];
export type TrainingRun = Outputs['training']['list'][number];
export type StoredTrainerEvent = Outputs['training']['events'][number];
export type Evaluation = Outputs['evaluations']['list'][number];
export type EvaluationTrace = Outputs['evaluations']['traces']['items'][number];
