import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { REPO_ROOT } from '../paths';
import type { Workbench } from '../workbench';
import type { ExperimentPreset } from './presets';
import type { InitModel } from './students';

const FILES = ['config.json', 'model.safetensors', 'tokenizer.json'] as const;

/** Qwen2 config.json fields that must agree with the preset's `model`. */
function shapeMismatches(config: Record<string, unknown>, model: ExperimentPreset['model']): string[] {
  // transformers 5 keeps RoPE's base under rope_parameters, 4.x at the top level.
  const rope = (config.rope_parameters as { rope_theta?: number } | undefined)?.rope_theta;
  const have: Record<string, unknown> = { ...config, rope_theta: config.rope_theta ?? rope };
  const want: [string, number | undefined][] = [
    ['vocab_size', model.vocabSize],
    ['hidden_size', model.hiddenSize],
    ['num_hidden_layers', model.layers],
    ['num_attention_heads', model.heads],
    ['rope_theta', model.ropeTheta],
  ];
  return want
    .filter(([k, v]) => v !== undefined && have[k] !== v)
    .map(([k, v]) => `${k} ${String(have[k])} (the preset's model has ${v})`);
}

/**
 * The committed warm start of a preset, checked and copied into the workspace once (the training
 * jobs then read it from there, as they read a built init). A folder that is missing a file, holds
 * other weights than the preset's sha256 names, or has another shape than the preset's model is
 * refused with what differs: a run never trains from a warm start it did not ask for.
 */
export function warmStartInit(
  wb: Workbench,
  warm: { path: string; sha256: string },
  model: ExperimentPreset['model'],
  seed: number,
): InitModel {
  const src = isAbsolute(warm.path) ? warm.path : resolve(REPO_ROOT, warm.path);
  const missing = FILES.filter((f) => !existsSync(join(src, f)));
  if (missing.length) throw new Error(`warm start ${warm.path}: missing ${missing.join(', ')} in ${src}`);
  const sha = createHash('sha256')
    .update(readFileSync(join(src, 'model.safetensors')))
    .digest('hex');
  if (sha !== warm.sha256)
    throw new Error(
      `warm start ${warm.path}: model.safetensors has sha256 ${sha}, the preset names ${warm.sha256}`,
    );
  const config = JSON.parse(readFileSync(join(src, 'config.json'), 'utf8')) as Record<string, unknown>;
  const bad = shapeMismatches(config, model);
  if (bad.length) throw new Error(`warm start ${warm.path}: ${bad.join('; ')}`);

  const key = `warm-${sha.slice(0, 20)}`;
  const dir = wb.store.path(join('students', key));
  if (!existsSync(join(dir, 'config.json'))) {
    const work = `${dir}.work`;
    rmSync(work, { recursive: true, force: true });
    cpSync(src, work, { recursive: true });
    rmSync(dir, { recursive: true, force: true });
    renameSync(work, dir);
  }
  return { dir, key, seed };
}
