import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { TRAINER_PROJECT } from '../src/paths';
import { buildTinyModel, requireTrainerVenv, TINY_TEXTS } from './support/tinyTeacher';

/** A copy of a student folder in the workspace's imports/: over the API students load only from the workspace. */
export function studentInWorkspace(wb: { store: { path(rel: string): string } }, dir: string): string {
  const copy = wb.store.path(`imports/${basename(dir)}`);
  cpSync(dir, copy, { recursive: true });
  return copy;
}

export const PYTHON = join(TRAINER_PROJECT, '.venv', 'bin', 'python');
const OFFLINE = { HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1', PYTHONUNBUFFERED: '1' };

/** Runs the trainer venv's python; resolves with stdout. */
export function python(args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, args, { cwd: TRAINER_PROJECT, env: { ...process.env, ...OFFLINE } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0
        ? resolve(out)
        : reject(new Error(`python ${args.join(' ')} failed (${code}): ${err.slice(-3000)}`)),
    );
    child.stdin.end(input ?? '');
  });
}

/**
 * A tiny Qwen2 student trained for a few steps on the given step data (examples.jsonl) and
 * exported to ONNX + HF: built once per content in the temp directory (by rename, so parallel
 * test files share it and never see half of one).
 */
export async function trainedTinyStudent(examplesPath: string): Promise<string> {
  requireTrainerVenv();
  const data = readFileSync(examplesPath, 'utf8');
  const key = createHash('sha256').update(data).update('v1').digest('hex').slice(0, 16);
  const out = join(tmpdir(), `steper-tiny-student-${key}`);
  if (existsSync(join(out, 'onnx', 'model.onnx'))) return out;
  const model = await buildTinyModel(TINY_TEXTS);
  const work = mkdtempSync(join(tmpdir(), 'steper-student-build-'));
  try {
    const config = join(work, 'train.json');
    writeFileSync(
      config,
      JSON.stringify({
        data: examplesPath,
        out_dir: join(work, 'run'),
        model,
        objective: 'steper-difficulty',
        device: 'cpu',
        epochs: 1,
        batch_size: 4,
        max_steps: 3,
        eval_fraction: 0,
        max_seq_len: 512,
        lr: 1e-3,
        checkpoint_every: 3,
        eval_every: 0,
        gradient_checkpointing: false,
        precision: 'fp32',
      }),
    );
    await python(['-m', 'steper_trainer', 'train', '--config', config]);
    const exported = join(work, 'export');
    await python([
      '-m',
      'steper_trainer',
      'export',
      '--checkpoint',
      join(work, 'run'),
      '--out',
      exported,
      '--formats',
      'onnx,hf',
    ]);
    try {
      renameSync(exported, out);
    } catch (err) {
      if (!existsSync(join(out, 'onnx', 'model.onnx'))) throw err;
    }
    return out;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const REFERENCE = `
import json, sys, torch
from transformers import AutoModelForCausalLM
from tokenizers import Tokenizer
req = json.load(sys.stdin)
tok = Tokenizer.from_file(req['dir'] + '/tokenizer.json')
model = AutoModelForCausalLM.from_pretrained(req['dir'], dtype=torch.float32).eval()
out = []
for prompt in req['prompts']:
    ids = tok.encode(prompt, add_special_tokens=False).ids
    gen = model.generate(torch.tensor([ids]), attention_mask=torch.ones(1, len(ids), dtype=torch.long),
                         do_sample=False, max_new_tokens=req['max_new_tokens'])
    out.append({'prompt_ids': ids, 'new_ids': gen[0, len(ids):].tolist()})
print(json.dumps(out))
`;

/** PyTorch's greedy generate on the exported HF folder: the reference the ONNX runner must match. */
export async function torchGreedy(
  dir: string,
  prompts: string[],
  maxNewTokens: number,
): Promise<{ prompt_ids: number[]; new_ids: number[] }[]> {
  const out = await python(['-c', REFERENCE], JSON.stringify({ dir, prompts, max_new_tokens: maxNewTokens }));
  return JSON.parse(out.trim().split('\n').at(-1)!);
}
