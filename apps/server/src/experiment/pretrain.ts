import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Passage, Rng, type StepExample } from '@steper/core';
import type { Workbench } from '../workbench';
import type { ExperimentPreset } from './presets';
import { trainerPython } from './python';
import { readingRows } from './reading';
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
  const vocabulary = corpusWords(passages);
  const rng = new Rng(seed);
  const rows: StepExample[] = [];
  for (let n = 0; n < copy.rows; n++) {
    const length = copy.minWords + rng.int(copy.maxWords - copy.minWords + 1);
    const words = Array.from({ length }, () => rng.pick(vocabulary)).join(' ');
    rows.push(lmRow(`copy-${n}`, `${words}\n${words}`, []));
  }
  return rows;
}

/** Filler words between the copy and its source: at most this many in the near half of the rows. */
const NEAR_GAP_WORDS = 40;

/**
 * The long-range copy curriculum: the prompt holds `minWords`–`maxWords` random corpus words
 * anywhere among other random words, then a newline; the target is the same words. Only the
 * target is trained, and it is predictable only by finding its words in the prompt, at whatever
 * distance: the content-matched copy a step needs to write a name out of its passages. Half the
 * rows keep the source near (≤ 40 words away), so the copy signal that starts the phase change
 * stays dense; half spread it over the whole range.
 */
export function gappedCopyRows(
  passages: readonly Passage[],
  copy: NonNullable<PretrainSettings['longCopy']>,
  seed: number,
): StepExample[] {
  const vocabulary = corpusWords(passages);
  const rng = new Rng(seed);
  const pick = (n: number) => Array.from({ length: n }, () => rng.pick(vocabulary));
  const rows: StepExample[] = [];
  for (let n = 0; n < copy.rows; n++) {
    const words = pick(copy.minWords + rng.int(copy.maxWords - copy.minWords + 1));
    const gap = rng.int(
      (rng.next() < 0.5 ? Math.min(NEAR_GAP_WORDS, copy.maxGapWords) : copy.maxGapWords) + 1,
    );
    const filler = pick(gap);
    const before = rng.int(gap + 1);
    const prompt = [...filler.slice(0, before), ...words, ...filler.slice(before)].join(' ');
    rows.push({ ...lmRow(`long-copy-${n}`, words.join(' '), []), prompt: `${prompt}\n` });
  }
  return rows;
}

function corpusWords(passages: readonly Passage[]): string[] {
  const vocabulary = [...new Set(passages.flatMap((p) => p.text.match(/[A-Za-z]+|\d/g) ?? []))].sort();
  if (vocabulary.length === 0) throw new Error('the corpus has no words to build copy rows from');
  return vocabulary;
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

/** One round of the copy stage: how much cheaper the repeated half is than the first. */
export interface CopyRound {
  round: number;
  optimizerSteps: number;
  firstLoss: number;
  againLoss: number;
  ratio: number;
}

/**
 * The random tiny initialisation after pre-training: the copy curriculum until induction heads
 * have formed, then (when `passes` > 0) language modelling on the world's corpus. The paper's
 * students distil into pretrained LMs, and a random 1M-parameter model cannot learn to copy a
 * sentence out of a 700-token context from the ~40 supervised tokens of each distillation example
 * in a CPU budget (docs/results/calibration-2026-12-05.md). Built once per (init, corpus,
 * settings) and shared by every student that starts from it; the copy rounds are kept beside the
 * model in copy-rounds.json.
 */
export async function pretrainedInit(
  wb: Workbench,
  init: InitModel,
  corpusId: string,
  settings: PretrainSettings,
  log: (line: string) => void = () => {},
  device: TrainDevice = 'cpu',
): Promise<InitModel> {
  const { reading, longCopy, ...lm } = settings;
  if (!lm.copy && lm.passes === 0 && !longCopy && !reading) {
    throw new Error(
      'pre-training has nothing to train on: give it corpus passes, copy rows, long copy rows or a reading warm start',
    );
  }
  let base = lm.copy || lm.passes > 0 ? await languageBase(wb, init, corpusId, lm, log, device) : init;
  if (longCopy) base = await longCopyInit(wb, base, corpusId, { ...lm, longCopy }, log, device);
  return reading ? readingInit(wb, base, { ...lm, reading }, log, device) : base;
}

/** The copy curriculum and corpus passes, cached on their own so recipes that differ after them share them. */
async function languageBase(
  wb: Workbench,
  init: InitModel,
  corpusId: string,
  settings: PretrainSettings,
  log: (line: string) => void,
  device: TrainDevice,
): Promise<InitModel> {
  const corpus = wb.store.corpora.require(corpusId);
  const key = contentKey({ init: init.key, corpus: corpus.id, source: corpus.source, settings });
  const dir = wb.store.path(join('students', `base-${key}`));
  if (existsSync(join(dir, 'config.json'))) return { dir, key, seed: init.seed };

  const work = wb.store.path(join('students', `base-${key}.work`));
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const passages = wb.store.corpora.allPassages(corpusId);
  const stage = (name: string) => ({ work: join(work, name), settings, seed: init.seed, device });
  let model = init.dir;
  let rounds: CopyRound[] = [];
  if (settings.copy) {
    const copy = settings.copy;
    log(
      `pre-training the initialisation: copy curriculum, ${copy.rows} rows a round, at most ${copy.maxRounds} rounds`,
    );
    // Held out from training (another seed): the probe measures copying, not memory.
    const probe = copyRows(passages, { ...copy, rows: 200 }, init.seed + 1);
    const trained = await copyStage(
      stage('copy'),
      model,
      copyRows(passages, copy, init.seed),
      probe,
      copy,
      log,
    );
    model = trained.model;
    rounds = trained.rounds;
  }
  if (settings.passes > 0) {
    log(`pre-training the initialisation: ${settings.passes} passes over the corpus`);
    model = await trainRows(stage('corpus'), model, corpusRows(passages, settings, init.seed));
  }
  // The model folder carries the init's tokenizer: moved into place whole, the rest dropped.
  rmSync(dir, { recursive: true, force: true });
  renameSync(model, dir);
  if (rounds.length) writeFileSync(join(dir, 'copy-rounds.json'), `${JSON.stringify(rounds, null, 2)}\n`);
  rmSync(work, { recursive: true, force: true });
  return { dir, key, seed: init.seed };
}

/** The long-range copy curriculum on top of `base`, cached by (base, corpus, its settings). */
async function longCopyInit(
  wb: Workbench,
  base: InitModel,
  corpusId: string,
  settings: PretrainSettings & { longCopy: NonNullable<PretrainSettings['longCopy']> },
  log: (line: string) => void,
  device: TrainDevice,
): Promise<InitModel> {
  const { longCopy } = settings;
  const corpus = wb.store.corpora.require(corpusId);
  const key = contentKey({ base: base.key, corpus: corpus.id, source: corpus.source, longCopy });
  const dir = wb.store.path(join('students', `long-copy-${key}`));
  if (existsSync(join(dir, 'config.json'))) return { dir, key, seed: base.seed };
  const work = wb.store.path(join('students', `long-copy-${key}.work`));
  rmSync(work, { recursive: true, force: true });
  const passages = wb.store.corpora.allPassages(corpusId);
  log(
    `pre-training the initialisation: long-range copy curriculum, ${longCopy.rows} rows a round (copies up to ${longCopy.maxGapWords} words apart), at most ${longCopy.maxRounds} rounds`,
  );
  const stage = { work, settings: { ...settings, batchSize: longCopy.batchSize }, seed: base.seed, device };
  const probe = gappedCopyRows(passages, { ...longCopy, rows: 200 }, base.seed + 1);
  const { model, rounds } = await copyStage(
    stage,
    base.dir,
    gappedCopyRows(passages, longCopy, base.seed),
    probe,
    longCopy,
    log,
    { epochs: 1, lr: longCopy.lr, maxSeqLen: longCopy.maxSeqLen },
  );
  rmSync(dir, { recursive: true, force: true });
  renameSync(model, dir);
  writeFileSync(join(dir, 'copy-rounds.json'), `${JSON.stringify(rounds, null, 2)}\n`);
  rmSync(work, { recursive: true, force: true });
  return { dir, key, seed: base.seed };
}

/** The reading warm start (reading.ts) on top of `base`, cached by (base, reading settings). */
async function readingInit(
  wb: Workbench,
  base: InitModel,
  settings: PretrainSettings & { reading: NonNullable<PretrainSettings['reading']> },
  log: (line: string) => void,
  device: TrainDevice,
): Promise<InitModel> {
  const { reading } = settings;
  const key = contentKey({ base: base.key, reading });
  const dir = wb.store.path(join('students', `reading-${key}`));
  if (existsSync(join(dir, 'config.json'))) return { dir, key, seed: base.seed };
  const work = wb.store.path(join('students', `reading-${key}.work`));
  rmSync(work, { recursive: true, force: true });
  const rows = readingRows(reading);
  log(
    `pre-training the initialisation: reading warm start, ${rows.length} single-hop questions of world seed ${reading.worldSeed}, ${reading.epochs} epoch(s)`,
  );
  const model = await trainRows(
    { work, settings: { ...settings, batchSize: reading.batchSize }, seed: base.seed, device },
    base.dir,
    rows,
    { epochs: reading.epochs, lr: reading.lr, maxSeqLen: reading.maxSeqLen },
  );
  rmSync(dir, { recursive: true, force: true });
  renameSync(model, dir);
  rmSync(work, { recursive: true, force: true });
  return { dir, key, seed: base.seed };
}

interface Stage {
  work: string;
  settings: PretrainSettings;
  seed: number;
  device: TrainDevice;
}

/**
 * Rounds of one epoch over the copy rows, each a warm restart of the learning rate, until the
 * repeated half of held-out rows costs at most `untilRatio` of the first half (the phase change
 * has happened) or `maxRounds` are spent. When the phase change comes varies with the seed: on
 * the CPU one init formed induction heads by 1,700 steps and another had not by 2,500 of one
 * long cosine schedule.
 */
async function copyStage(
  stage: Stage,
  init: string,
  rows: StepExample[],
  probe: StepExample[],
  until: { maxRounds: number; untilRatio: number },
  log: (line: string) => void,
  schedule?: { epochs: number; lr: number; maxSeqLen: number },
): Promise<{ model: string; rounds: CopyRound[] }> {
  const probeFile = join(stage.work, 'probe.jsonl');
  mkdirSync(stage.work, { recursive: true });
  writeFileSync(probeFile, `${probe.map((r) => JSON.stringify(r)).join('\n')}\n`);
  const rounds: CopyRound[] = [];
  let model = await trainRows(stage, init, rows, schedule);
  for (let round = 1; ; round++) {
    const out = await trainerPython([
      '-m',
      'steper_trainer.diagnose',
      '--model',
      model,
      '--copy-rows',
      probeFile,
    ]);
    const { copyRows: c } = JSON.parse(out.trim().split('\n').at(-1)!) as {
      copyRows: { firstLoss: number; againLoss: number; ratio: number };
    };
    const steps = Number(/step-(\d+)/.exec(model)?.[1] ?? 0);
    rounds.push({
      round,
      optimizerSteps: steps,
      firstLoss: c.firstLoss,
      againLoss: c.againLoss,
      ratio: c.ratio,
    });
    log(
      `copy round ${round} (${steps} steps): repeated words ${c.againLoss.toFixed(2)} nats/token, first showing ${c.firstLoss.toFixed(2)} (ratio ${c.ratio.toFixed(2)})`,
    );
    if (c.ratio <= until.untilRatio || round >= until.maxRounds) {
      if (c.ratio > until.untilRatio)
        log(`copy curriculum: no phase change within ${until.maxRounds} rounds`);
      return { model, rounds };
    }
    model = await extendRun(stage);
  }
}

/**
 * Next-token training on the rows' targets (the trainer's Vanilla-KD loss; with empty prompts,
 * plain language modelling), one epoch at the pre-training lr unless told. Returns the model.
 */
async function trainRows(
  stage: Stage,
  model: string,
  rows: StepExample[],
  schedule: { epochs: number; lr: number; maxSeqLen: number } = {
    epochs: 1,
    lr: stage.settings.lr,
    maxSeqLen: stage.settings.maxSeqLen,
  },
): Promise<string> {
  const { work, settings, seed, device } = stage;
  if (rows.length === 0) throw new Error('pre-training has no rows');
  mkdirSync(work, { recursive: true });
  const data = join(work, 'rows.jsonl');
  writeFileSync(data, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
  writeFileSync(
    join(work, 'config.json'),
    JSON.stringify({
      data,
      out_dir: join(work, 'run'),
      model,
      objective: 'vanilla',
      seed,
      ...deviceConfig(device),
      epochs: schedule.epochs,
      batch_size: settings.batchSize,
      lr: schedule.lr,
      max_seq_len: schedule.maxSeqLen,
      eval_fraction: 0,
      eval_every: 0,
      checkpoint_every: 0,
      gradient_checkpointing: false,
    }),
  );
  await trainerPython(['-m', 'steper_trainer', 'train', '--config', join(work, 'config.json')]);
  return latestModel(work);
}

/** One more epoch of the stage's finished run: a warm restart of its learning rate. */
async function extendRun(stage: Stage): Promise<string> {
  await trainerPython([
    '-m',
    'steper_trainer',
    'train',
    '--config',
    join(stage.work, 'config.json'),
    '--extend-epochs',
    '1',
  ]);
  return latestModel(stage.work);
}

function latestModel(work: string): string {
  const checkpoints = join(work, 'run', 'checkpoints');
  const last = readdirSync(checkpoints)
    .filter((d) => d.startsWith('step-'))
    .sort()
    .at(-1);
  if (!last) throw new Error(`pre-training wrote no checkpoint under ${checkpoints}`);
  return join(checkpoints, last, 'model');
}
