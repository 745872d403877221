import type { DemonstrationFile } from '../prompts/demonstrations';
import type { Passage, Question } from '../types/data';
import type { Generator, Retriever } from '../types/generator';
import type { LoopConfig, LoopConfigInput, RetrievedPassage } from '../types/trace';

export interface LoopDeps {
  /** Required by every loop but no-retrieval. */
  retriever?: Retriever;
  generator: Generator;
  config: LoopConfigInput;
  /** Few-shot demonstrations for teacher prompts; the built-in synthetic ones by default. */
  demonstrations?: DemonstrationFile;
}

/** What every loop step shares: the question, the resolved config, and P_≤s so far. */
export interface LoopState {
  question: Question;
  config: LoopConfig;
  deps: LoopDeps;
  demonstrations: DemonstrationFile;
  signal: AbortSignal | undefined;
  /** P_≤s in retrieval order, duplicates dropped. */
  accessible: Passage[];
  accessibleIds: Set<string>;
  goldIds: Set<string>;
  goldTitles: Set<string>;
}

export interface RetrievalResult {
  retrieved: RetrievedPassage[];
  retrievalMs: number;
}

export interface GenerationResult {
  output: string;
  generationMs: number;
}
