/** What other workspaces import from the server: the router's type (the web client) and row shapes. */

export type { EvalConfigInput } from './evaluation/config';
export type { AppRouter } from './routers/_app';
export type { AnnotationRow, AnnotationStatus } from './store/annotations';
export type { CorpusRow } from './store/corpora';
export type { EvaluationRow, EvaluationTraceRow } from './store/evaluations';
export type { JobKind, JobProgress, JobRow, JobStatus } from './store/jobs';
export type { QuestionSetRow } from './store/questionSets';
export type { StepDatasetRow } from './store/stepDatasets';
export type { TeacherRunRow, TeacherRunStats, TraceRow } from './store/teacherRuns';
export type { StoredTrainerEvent, TrainingRunRow } from './store/trainingRuns';
export type { Page } from './store/util';
export type { TeachConfigInput } from './teach/config';
export type { TeacherSpec, TeacherSpecInput } from './teachers/spec';
export type { TrainingStart } from './training/start';
