/**
 * Small real parts for loop, teacher and step-data tests: a word-overlap retriever over a
 * handful of passages and a generator that replays a script. Both implement the real
 * interfaces; the loop logic under test runs unchanged.
 */
import type {
  GenerateRequest,
  GenerateResult,
  Generator,
  Passage,
  Question,
  Retriever,
  ScoredPassage,
} from '../src';
import { QuestionSchema } from '../src';

const STOP = new Set([
  'the',
  'was',
  'who',
  'what',
  'where',
  'when',
  'which',
  'and',
  'for',
  'film',
  'born',
  'directed',
]);

function words(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9]+/g) ?? []).filter((w) => w.length > 2 && !STOP.has(w));
}

export class OverlapRetriever implements Retriever {
  readonly calls: { query: string; k: number; exclude: ReadonlySet<string> | undefined }[] = [];

  constructor(readonly passages: Passage[]) {}

  async search(query: string, k: number, exclude?: ReadonlySet<string>): Promise<ScoredPassage[]> {
    this.calls.push({ query, k, exclude });
    const q = new Set(words(query));
    return this.passages
      .map((p, i) => ({ p, i, score: words(`${p.title} ${p.text}`).filter((w) => q.has(w)).length }))
      .filter((x) => x.score > 0 && !exclude?.has(x.p.id))
      .sort((a, b) => b.score - a.score || a.i - b.i)
      .slice(0, k)
      .map(({ p, score }) => ({ ...p, score }));
  }

  passage(id: string): Passage | undefined {
    return this.passages.find((p) => p.id === id);
  }
}

/** Replays outputs in order (or computes them), recording every request. */
export class ScriptedGenerator implements Generator {
  readonly label = 'scripted (test)';
  readonly requests: GenerateRequest[] = [];

  constructor(private readonly script: string[] | ((request: GenerateRequest, call: number) => string)) {}

  async generate(request: GenerateRequest, signal?: AbortSignal): Promise<GenerateResult> {
    signal?.throwIfAborted();
    const call = this.requests.length;
    this.requests.push(request);
    if (typeof this.script === 'function') return { text: this.script(request, call) };
    const text = this.script[call];
    if (text === undefined) throw new Error(`script has no output for call ${call + 1}`);
    return { text };
  }
}

/** A two-hop world: Blue Harbor → its director Ada Reyes → her birthplace Velmore. */
export const WORLD: Passage[] = [
  { id: 'p-harbor', title: 'Blue Harbor', text: 'Blue Harbor is a 1990 drama film directed by Ada Reyes.' },
  {
    id: 'p-ada',
    title: 'Ada Reyes',
    text: 'Ada Reyes (born 1950) is a director. Ada Reyes was born in Velmore.',
  },
  { id: 'p-velmore', title: 'Velmore', text: 'Velmore is a town in the province of Norland.' },
  { id: 'p-tom', title: 'Tom Li', text: 'Tom Li is an actor who starred in Blue Harbor and Red Field.' },
  { id: 'p-red', title: 'Red Field', text: 'Red Field is a 1984 film directed by Tom Li.' },
  { id: 'p-norland', title: 'Norland', text: 'Norland is a province with its capital at Dunmore.' },
];

export function harborQuestion(overrides: Partial<Question> = {}): Question {
  return QuestionSchema.parse({
    id: 'q-harbor',
    dataset: 'synthetic',
    question: 'Where was the director of Blue Harbor born?',
    answers: ['Velmore'],
    goldPassageIds: ['p-harbor', 'p-ada'],
    evidence: [
      {
        text: 'Blue Harbor was directed by Ada Reyes.',
        passageTitle: 'Blue Harbor',
        passageId: 'p-harbor',
        subQuestion: 'Who directed Blue Harbor?',
        answer: 'Ada Reyes',
      },
      {
        text: 'Ada Reyes was born in Velmore.',
        passageTitle: 'Ada Reyes',
        passageId: 'p-ada',
        subQuestion: 'Where was #1 born?',
        answer: 'Velmore',
      },
    ],
    ...overrides,
  });
}
