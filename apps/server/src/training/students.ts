import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { buildInit, initFolder } from '../experiment/students';
import { sequenceFit } from '../experiment/tokens';
import { EXAMPLES_FILE } from '../stepdata/build';
import type { Workbench } from '../workbench';

/**
 * What the training form offers as a student model, with defaults that follow its size: a tiny
 * model for the dataset's own world (built on demand, trains on the CPU), and the workspace's
 * model folders (the experiment's pre-trained initialisations). A Hugging Face name or another
 * local folder can still be typed in; it gets the defaults of its size once its config is read.
 */
export interface StudentChoice {
  /** 'tiny', or 'folder:<name under students/>'. */
  id: string;
  label: string;
  /** The model folder; null for the tiny student until it is built. */
  dir: string | null;
  parameters: number | null;
  defaults: TrainDefaults;
  /** One sentence for the form: what this student is and why these defaults. */
  note: string;
}

/** Trainer config fields (apps/trainer TrainConfig) whose right value depends on the model. */
export interface TrainDefaults {
  lr: number;
  batch_size: number;
  epochs: number;
  max_seq_len: number;
  device: 'auto' | 'cpu' | 'cuda';
  precision: 'auto' | 'fp32';
  gradient_checkpointing: boolean;
  eval_every: number;
  checkpoint_every: number;
}

/**
 * The tiny student's shape: the recipe's (docs/results/recipe-2026-12-06), 0.8M parameters, a
 * tokenizer trained on the dataset's own examples.
 */
export const TINY_SHAPE = { vocabSize: 2000, hiddenSize: 128, layers: 2, heads: 4, ropeTheta: 10_000 };
const TINY_SEED = 1234;

/**
 * Defaults by size. Tiny random students learn at 2e-3–3e-3 (the experiment presets; at the
 * paper's 5e-6 their loss stays at ~11.7); models of the paper's size take its 5e-6 on a GPU with
 * gradient checkpointing; sizes between get a learning rate between.
 */
export function defaultsFor(parameters: number | null, maxSeqLen?: number): TrainDefaults {
  const p = parameters ?? 500e6;
  if (p <= 20e6) {
    return {
      lr: 3e-3,
      batch_size: 8,
      epochs: 2,
      max_seq_len: maxSeqLen ?? 1536,
      device: 'cpu',
      precision: 'fp32',
      gradient_checkpointing: false,
      eval_every: 50,
      checkpoint_every: 100,
    };
  }
  return {
    lr: p <= 200e6 ? 1e-4 : 5e-6,
    batch_size: 16,
    epochs: 2,
    max_seq_len: maxSeqLen ?? 2048,
    device: 'auto',
    precision: 'auto',
    gradient_checkpointing: true,
    eval_every: 200,
    checkpoint_every: 500,
  };
}

const sizeLabel = (p: number | null): string =>
  p === null
    ? 'size unknown'
    : p >= 1e9
      ? `${(p / 1e9).toFixed(1)}B`
      : `${(p / 1e6).toFixed(p < 10e6 ? 2 : 0)}M`;

function describe(d: TrainDefaults): string {
  return `lr ${d.lr}, batch ${d.batch_size}, ${d.epochs} epochs, sequences of ${d.max_seq_len} tokens, ${d.device === 'cpu' ? 'on the CPU' : 'on a GPU when there is one'}`;
}

/**
 * Parameters of a model folder: counted from model.safetensors's header (exact, reads only the
 * header), else estimated from config.json; null when neither is readable.
 */
export function modelParameters(dir: string): number | null {
  const weights = join(dir, 'model.safetensors');
  if (existsSync(weights)) {
    try {
      return safetensorsParameters(weights);
    } catch {
      // An unreadable header: fall back to the config's estimate.
    }
  }
  try {
    const c = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, number | boolean>;
    const h = Number(c.hidden_size);
    const layers = Number(c.num_hidden_layers);
    const vocab = Number(c.vocab_size);
    const inter = Number(c.intermediate_size ?? 4 * h);
    const heads = Number(c.num_attention_heads ?? 1);
    const kv = Number(c.num_key_value_heads ?? heads);
    if (![h, layers, vocab, inter].every(Number.isFinite)) return null;
    const attention = 2 * h * h + 2 * h * ((h / heads) * kv);
    const embeddings = vocab * h * (c.tie_word_embeddings === false ? 2 : 1);
    return Math.round(embeddings + layers * (attention + 3 * h * inter));
  } catch {
    return null;
  }
}

function safetensorsParameters(file: string): number {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(8);
    readSync(fd, head, 0, 8, 0);
    const length = Number(head.readBigUInt64LE(0));
    if (length <= 0 || length > 100_000_000) throw new Error('not a safetensors header');
    const json = Buffer.alloc(length);
    readSync(fd, json, 0, length, 8);
    const header = JSON.parse(json.toString('utf8')) as Record<string, { shape?: number[] }>;
    let n = 0;
    for (const [name, t] of Object.entries(header)) {
      if (name === '__metadata__' || !t.shape) continue;
      n += t.shape.reduce((a, b) => a * b, 1);
    }
    return n;
  } finally {
    closeSync(fd);
  }
}

function examplesOf(wb: Workbench, datasetId: string): string {
  const dataset = wb.store.stepDatasets.require(datasetId);
  return wb.store.path(join(dataset.exportDir, EXAMPLES_FILE));
}

// The tiny student's folder is keyed by its examples' content, so its fit never changes: the form's
// query (refetched after every job) tokenises every example once per folder, not on each call.
const fits = new Map<string, number>();

/** The longest example in the student's tokens, rounded up to 64: nothing is cut at that length. */
function fittingSeqLen(examples: string, modelDir: string): number {
  let fit = fits.get(modelDir);
  if (fit === undefined) {
    fit = Math.ceil(sequenceFit(examples, modelDir, 0).longest / 64) * 64;
    fits.set(modelDir, fit);
  }
  return fit;
}

function tinyChoice(dir: string | null, maxSeqLen?: number): StudentChoice {
  const parameters = dir ? modelParameters(dir) : null;
  const defaults = defaultsFor(parameters ?? 1e6, maxSeqLen);
  return {
    id: 'tiny',
    label: `Tiny student for this world (CPU, ${dir ? sizeLabel(parameters) : '~0.8M'} parameters${dir ? '' : ', built on first use'})`,
    dir,
    parameters,
    defaults,
    note: `A ${TINY_SHAPE.layers}-layer Qwen2 with random weights and a tokenizer trained on this dataset: it learns the step format in minutes on the CPU, not to reason over passages (the recipe that gets that far pre-trains first; see docs/results/recipe-2026-12-06). Defaults: ${describe(defaults)}${maxSeqLen ? ' (the longest example fits, so nothing is cut)' : ''}.`,
  };
}

/** The choices for a dataset: the tiny student (built or not), then the workspace's model folders. */
export function studentChoices(wb: Workbench, datasetId: string | undefined): StudentChoice[] {
  const choices: StudentChoice[] = [];
  if (datasetId) {
    const examples = examplesOf(wb, datasetId);
    const built = builtTiny(wb, examples);
    choices.push(tinyChoice(built, built ? fittingSeqLen(examples, built) : undefined));
  }
  const root = wb.store.path('students');
  if (!existsSync(root)) return choices;
  for (const name of readdirSync(root).sort()) {
    const dir = join(root, name);
    if (name.endsWith('.work') || !existsSync(join(dir, 'config.json')) || dir === choices[0]?.dir) continue;
    const parameters = modelParameters(dir);
    const defaults = defaultsFor(parameters);
    choices.push({
      id: `folder:${name}`,
      label: `${name} (${sizeLabel(parameters)} parameters, workspace)`,
      dir,
      parameters,
      defaults,
      note: `A model folder in this workspace (students/${name}; init- is random, base-/long-copy-/reading- are the experiment's pre-trained stages). Defaults for its size: ${describe(defaults)}.`,
    });
  }
  return choices;
}

/** The tiny student's folder when it is already built (a query builds nothing). */
function builtTiny(wb: Workbench, examples: string): string | null {
  const { dir } = initFolder(wb, examples, TINY_SHAPE, TINY_SEED);
  return existsSync(join(dir, 'config.json')) ? dir : null;
}

/** Builds (once) the tiny student of a dataset and returns its choice with the defaults that fit it. */
export async function prepareTinyStudent(wb: Workbench, datasetId: string): Promise<StudentChoice> {
  const examples = examplesOf(wb, datasetId);
  // The same folder the experiment builds for the same data and shape.
  const { dir } = await buildInit(wb, examples, TINY_SHAPE, TINY_SEED);
  return tinyChoice(dir, fittingSeqLen(examples, dir));
}
