import type { Passage, Question } from './data';
import type { LoopName, Stage } from './trace';

/**
 * The structured view of a generation request. Text generators ignore it and read the prompt;
 * generators that need no LM (the offline evidence teacher, the offline judge) read it instead.
 */
export interface GenerationContext {
  loop: LoopName;
  stage: Stage;
  step: number;
  question: Question;
  /** P_≤s: every passage accessible at this step, in retrieval order. */
  passages: Passage[];
  /** R so far. */
  chain: string[];
}

export interface GenerateRequest {
  prompt: string;
  stop: string[];
  maxTokens: number;
  context: GenerationContext;
}

export interface GenerateResult {
  text: string;
  promptTokens?: number;
  completionTokens?: number;
  /** Served from a response cache rather than a fresh call. */
  cached?: boolean;
}

/** One interface for teachers, students and judges: prompt + stop strings → text. */
export interface Generator {
  /** Shown wherever its output appears, e.g. "evidence-teacher (offline, no LM)". */
  readonly label: string;
  generate(request: GenerateRequest, signal?: AbortSignal): Promise<GenerateResult>;
}

export interface ScoredPassage extends Passage {
  score: number;
}

/** BM25 in memory, Elasticsearch, OpenSearch: anything that returns top-K passages for a query. */
export interface Retriever {
  search(query: string, k: number, exclude?: ReadonlySet<string>): Promise<ScoredPassage[]>;
  passage(id: string): Passage | undefined;
}
