"""Checkpoints: everything a killed run needs to go on as if it had never stopped.

    <runDir>/checkpoints/step-0000040/
      state/               accelerate's save_state: student + σ weights, optimizer (its groups carry the peak lr;
                           the schedule is a function of the step),
                           RNG states of every process (works the same under DDP, ZeRO-3, FSDP)
      model/               the student as a plain Hugging Face folder (or LoRA adapter) + tokenizer
      train_config.json    the fully resolved configuration
      trainer_state.json   step, data position (epoch, next batch), best eval so far — written
                           last, so a folder without it is an unfinished checkpoint

    <runDir>/checkpoints/best/
      model/  train_config.json  as above, for the lowest eval loss so far
      best.json            its step and eval loss

Step checkpoints come every `checkpoint_every` steps and at the end, whatever the evals find; a
new best eval loss replaces best/ (the model only: it is what gets exported, never what a resume
starts from), so frequent evals do not multiply the checkpoints.

A checkpoint is written into <name>.tmp and renamed when complete: a kill mid-write leaves the
previous checkpoint as the latest one.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

CHECKPOINTS = 'checkpoints'
BEST = 'best'
_STEP_DIR = re.compile(r'^step-(\d+)$')


def checkpoint_path(run_dir: Path, step: int) -> Path:
    return run_dir / CHECKPOINTS / f'step-{step:07d}'


def best_path(run_dir: Path) -> Path:
    return run_dir / CHECKPOINTS / BEST


def complete_checkpoints(run_dir: Path) -> list[tuple[int, Path]]:
    root = run_dir / CHECKPOINTS
    if not root.is_dir():
        return []
    found = []
    for child in root.iterdir():
        match = _STEP_DIR.match(child.name)
        if match and (child / 'trainer_state.json').is_file():
            found.append((int(match.group(1)), child))
    return sorted(found)


def latest_checkpoint(run_dir: Path) -> Path | None:
    found = complete_checkpoints(run_dir)
    return found[-1][1] if found else None


def save_checkpoint(accelerator, student, tokenizer, run_dir: Path, step: int, trainer_state: dict[str, Any], config: dict[str, Any]) -> Path:
    """Every process must call this (state saving and ZeRO-3 gathering are collective)."""
    final = checkpoint_path(run_dir, step)
    tmp = final.with_name(final.name + '.tmp')
    if accelerator.is_main_process:
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
    accelerator.wait_for_everyone()
    # pickle, not safetensors: tied embeddings share storage, which safetensors refuses.
    accelerator.save_state(str(tmp / 'state'), safe_serialization=False)
    _save_model(accelerator, student, tokenizer, tmp, config)
    if accelerator.is_main_process:
        (tmp / 'trainer_state.json').write_text(json.dumps(trainer_state, indent=2))
        _replace(tmp, final)
    accelerator.wait_for_everyone()
    return final


def save_best(accelerator, student, tokenizer, run_dir: Path, step: int, eval_loss: float, config: dict[str, Any]) -> Path:
    """The model at a new lowest eval loss, over the previous best. Every process must call this."""
    final = best_path(run_dir)
    tmp = final.with_name(final.name + '.tmp')
    if accelerator.is_main_process:
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
    accelerator.wait_for_everyone()
    _save_model(accelerator, student, tokenizer, tmp, config)
    if accelerator.is_main_process:
        (tmp / 'best.json').write_text(json.dumps({'step': step, 'evalLoss': eval_loss}))
        _replace(tmp, final)
    accelerator.wait_for_everyone()
    return final


def _save_model(accelerator, student, tokenizer, folder: Path, config: dict[str, Any]) -> None:
    """model/ (a plain HF folder or LoRA adapter, with the tokenizer) and train_config.json."""
    full = accelerator.get_state_dict(student)  # collective under ZeRO-3: every process gathers
    if accelerator.is_main_process:
        lm_state = {k.removeprefix('lm.'): v for k, v in full.items() if k.startswith('lm.')}
        accelerator.unwrap_model(student).lm.save_pretrained(folder / 'model', state_dict=lm_state)
        tokenizer.save_pretrained(folder / 'model')
        (folder / 'train_config.json').write_text(json.dumps(config, indent=2))


def _replace(tmp: Path, final: Path) -> None:
    if final.exists():
        shutil.rmtree(final)
    tmp.rename(final)


def read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding='utf-8'))


def prune_checkpoints(run_dir: Path, keep_last: int, keep: set[Path]) -> None:
    """Drop old step checkpoints, never the newest `keep_last` nor those in `keep` (the best)."""
    found = [path for _, path in complete_checkpoints(run_dir)]
    old = found[: max(0, len(found) - keep_last)]
    for path in old:
        if path.resolve() not in {k.resolve() for k in keep}:
            shutil.rmtree(path)
