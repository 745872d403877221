import { mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { AdjudicationRepo } from './adjudications';
import { AnnotationRepo } from './annotations';
import { AssignmentRepo } from './assignments';
import { CorpusRepo } from './corpora';
import { type Db, openDb } from './db';
import { EvaluationRepo } from './evaluations';
import { JobRepo } from './jobs';
import { QuestionSetRepo } from './questionSets';
import { ReportRepo } from './reports';
import { StepDatasetRepo } from './stepDatasets';
import { TeacherCacheRepo } from './teacherCache';
import { TeacherRunRepo } from './teacherRuns';
import { TrainingRunRepo } from './trainingRuns';

export const DB_FILE = 'steper.db';

/** One workspace directory: the SQLite database and the blob files beside it. */
export class Store {
  readonly dir: string;
  readonly db: Db;
  readonly corpora: CorpusRepo;
  readonly questionSets: QuestionSetRepo;
  readonly jobs: JobRepo;
  readonly teacherRuns: TeacherRunRepo;
  readonly stepDatasets: StepDatasetRepo;
  readonly annotations: AnnotationRepo;
  readonly assignments: AssignmentRepo;
  readonly adjudications: AdjudicationRepo;
  readonly trainingRuns: TrainingRunRepo;
  readonly evaluations: EvaluationRepo;
  readonly teacherCache: TeacherCacheRepo;
  readonly reports: ReportRepo;

  private constructor(dir: string, db: Db) {
    this.dir = dir;
    this.db = db;
    this.corpora = new CorpusRepo(db);
    this.questionSets = new QuestionSetRepo(db);
    this.jobs = new JobRepo(db);
    this.teacherRuns = new TeacherRunRepo(db);
    this.stepDatasets = new StepDatasetRepo(db);
    this.annotations = new AnnotationRepo(db);
    this.assignments = new AssignmentRepo(db);
    this.adjudications = new AdjudicationRepo(db);
    this.trainingRuns = new TrainingRunRepo(db);
    this.evaluations = new EvaluationRepo(db);
    this.teacherCache = new TeacherCacheRepo(db);
    this.reports = new ReportRepo(db);
  }

  /** Opens the workspace, creating and migrating its database on first use. */
  static open(dir: string): Store {
    const abs = resolve(dir);
    mkdirSync(abs, { recursive: true });
    return new Store(abs, openDb(join(abs, DB_FILE)));
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** Absolute path of a blob stored relative to the workspace. */
  path(rel: string): string {
    return join(this.dir, rel);
  }

  rel(abs: string): string {
    return relative(this.dir, abs);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

export const blobPaths = {
  corpusIndex: (corpusId: string) => join('corpora', corpusId, 'bm25.index'),
  datasetDir: (datasetId: string) => join('datasets', datasetId),
  trainingDir: (runId: string) => join('training', runId),
};
