import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Passage, Rng, type StepExample } from '@steper/core';
import type { Workbench } from '../workbench';
import type { ExperimentPreset } from './presets';
import { trainerPython } from './python';
import { contentKey } from './steps';
import { deviceConfig, type InitModel, type TrainDevice } from './students';

export type PretrainSettings = NonNullable<ExperimentPreset['pretrain']>;

function lmRow(id: string, target: string, passageIds: string[]): StepExample {
  return {
    id,
    questionId: id,
    stage: 'agg',
    step: 1,
    loop: 'ircot',
    prompt: '',
    target,
    knownPrefix: '',
    passageIds,
  };
}

/**
 * The copy curriculum: rows of random words of the corpus, a newline, the same words again.
 * Only the second half is predictable, and only by looking back: the dense copy signal that makes
 * a small transformer form induction heads, after a phase change at ~1,500 optimizer steps on the
 * CPU (docs/results/calibration-2026-12-05.md). Every step of multi-step RAG is such a copy.
 */
export function copyRows(
  passages: readonly Passage[],
  copy: NonNullable<PretrainSettings['copy']>,
  seed: number,
): StepExample[] {
  const vocabulary = [...new Set(passages.flatMap((p) => p.text.match(/[A-Za-z]+|\d/g) ?? []))].sort();
  if (vocabulary.length === 0) throw new Error('the corpus has no words to build copy rows from');
  const rng = new Rng(seed);
  const rows: StepExample[] = [];
  for (let n = 0; n < copy.rows; n++) {
    const length = copy.minWords + rng.int(copy.maxWords - copy.minWords + 1);
    const words = Array.from({ length }, () => rng.pick(vocabulary)).join(' ');
    rows.push(lmRow(`copy-${n}`, `${words}\n${words}`, []));
  }
  return rows;
}

/**
 * Language-modelling rows over the corpus: each pass shuffles the passages and joins
 * `passagesPerRow` of them in the prompts' "Wikipedia Title: …" layout, then `repeatsPerRow` of
 * the same passages again. They are step examples with an empty prompt, so the trainer's
 * Vanilla-KD loss is plain next-token loss on every token.
 */
export function corpusRows(
  passages: readonly Passage[],
  settings: PretrainSettings,
  seed: number,
): StepExample[] {
  const rng = new Rng(seed);
  const rows: StepExample[] = [];
  for (let pass = 0; pass < settings.passes; pass++) {
    const order = rng.shuffle(passages);
    for (let i = 0; i < order.length; i += settings.passagesPerRow) {
      const group = order.slice(i, i + settings.passagesPerRow);
      // Passages shown again later in the row: predicting them is copying from the context.
      group.push(...rng.sample(group, settings.repeatsPerRow));
      const target = group.map((p) => `Wikipedia Title: ${p.title}\n${p.text}`).join('\n\n');
      rows.push(
        lmRow(
          `lm-${rows.length}`,
          target,
          group.map((p) => p.id),
        ),
      );
    }
  }
  return rows;
}

/**
 * The random tiny initialisation after a language-modelling pre-training on the world's corpus:
 * the students of the paper distil into pretrained LMs, and a random 1M-parameter model cannot
 * learn to copy a sentence out of a 700-token context from the ~40 supervised tokens of each
 * distillation example in a CPU budget (docs/results/calibration-2026-12-05.md). Built once per
 * (init, corpus, settings) and shared by every student that starts from it.
 */
export async function pretrainedInit(
  wb: Workbench,
  init: InitModel,
  corpusId: string,
  settings: PretrainSettings,
  log: (line: string) => void = () => {},
  device: TrainDevice = 'cpu',
): Promise<InitModel> {
  const corpus = wb.store.corpora.require(corpusId);
  const key = contentKey({ init: init.key, corpus: corpus.id, source: corpus.source, settings });
  const dir = wb.store.path(join('students', `base-${key}`));
  if (existsSync(join(dir, 'config.json'))) return { dir, key, seed: init.seed };

  log(
    `pre-training the initialisation: ${settings.copy?.rows ?? 0} copy rows, ${settings.passes} passes over the corpus`,
  );
  const work = wb.store.path(join('students', `base-${key}.work`));
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const passages = wb.store.corpora.allPassages(corpusId);
  const copy = settings.copy ? copyRows(passages, settings.copy, init.seed) : [];
  // One run over both kinds of rows: the trainer shuffles them together every epoch.
  const rows = [...copy, ...corpusRows(passages, settings, init.seed)];
  if (rows.length === 0) throw new Error('pre-training has no rows: give it corpus passes or copy rows');
  const data = join(work, 'corpus-lm.jsonl');
  writeFileSync(data, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
  const config = join(work, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      data,
      out_dir: join(work, 'run'),
      model: init.dir,
      objective: 'vanilla',
      seed: init.seed,
      ...deviceConfig(device),
      epochs: 1,
      batch_size: settings.batchSize,
      lr: settings.lr,
      max_seq_len: settings.maxSeqLen,
      eval_fraction: 0,
      eval_every: 0,
      checkpoint_every: 0,
      gradient_checkpointing: false,
    }),
  );
  await trainerPython(['-m', 'steper_trainer', 'train', '--config', config]);
  const checkpoints = join(work, 'run', 'checkpoints');
  const last = readdirSync(checkpoints)
    .filter((d) => d.startsWith('step-'))
    .sort()
    .at(-1);
  if (!last) throw new Error(`pre-training wrote no checkpoint under ${checkpoints}`);
  // The model folder carries the init's tokenizer: moved into place whole, the rest of the run dropped.
  rmSync(dir, { recursive: true, force: true });
  renameSync(join(checkpoints, last, 'model'), dir);
  rmSync(work, { recursive: true, force: true });
  return { dir, key, seed: init.seed };
}
