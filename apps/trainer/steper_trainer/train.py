"""The training loop: Vanilla-KD and StepER students, single process or `accelerate launch`.

One flat loop over optimizer steps; each step is a batch of whole questions (batching.py), the
objective is loss.py's, everything else is plain AdamW with warm-up + cosine.
"""

from __future__ import annotations

import json
import logging
import math
import os
import sys
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
import transformers
from accelerate import Accelerator
from accelerate.utils import set_seed

from .batching import MicroBatch, TokenizedExample, TokenizeReport, build_micro_batch, deal, epoch_batches, step_plan, tokenize_examples
from .checkpoint import best_path, latest_checkpoint, prune_checkpoints, read_json, save_best, save_checkpoint
from .config import ConfigError, TrainConfig, config_from_dict, load_config
from .data import StepExample, group_by_question, is_held_out, read_step_dataset, select_step_config
from .events import EventWriter, stage_numbers
from .loss import AGG, StepERObjective
from .model import Student, load_lm, load_tokenizer, pick_attention, pick_device, pick_precision

log = logging.getLogger('steper_trainer')


def lr_factor(step: int, total: int, warmup_ratio: float, min_ratio: float, restart: int) -> float:
    """Linear warm-up then cosine to min_ratio, over the segment [restart, total): a run
    extended by more epochs starts a new segment (a warm restart) where the old one ended."""
    length = max(1, total - restart)
    s = step - restart
    warmup = math.ceil(warmup_ratio * length)
    if s < warmup:
        return (s + 1) / warmup  # (s + 1): the first step already learns
    progress = min(1.0, (s - warmup) / max(1, length - warmup))
    return min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * progress))


@dataclass
class Questions:
    """Tokenised examples grouped by question, in dataset order."""

    examples: list[list[TokenizedExample]]
    stages: list[list[int]] = field(init=False)

    def __post_init__(self) -> None:
        self.stages = [[e.stage for e in q] for q in self.examples]

    def micro_batch(self, questions: list[int], pad_id: int, cfg: TrainConfig, pad_multiple: int) -> MicroBatch:
        return build_micro_batch([e for q in questions for e in self.examples[q]], pad_id, cfg.max_seq_len, cfg.packing, pad_multiple)


def load_examples(cfg: TrainConfig) -> tuple[list[StepExample], list[StepExample]]:
    """Training examples cut to the step configuration, and held-out examples (all stages)."""
    examples = read_step_dataset(cfg.data)
    if cfg.eval_data is not None:
        train, held_out = examples, read_step_dataset(cfg.eval_data)
    else:
        train = [e for e in examples if not is_held_out(e.question_id, cfg.eval_fraction, cfg.seed)]
        held_out = [e for e in examples if is_held_out(e.question_id, cfg.eval_fraction, cfg.seed)]
    train = select_step_config(train, cfg.resolved_step_config())
    if not train:
        raise ConfigError(
            f'no training examples left in {cfg.data} for step_config {cfg.resolved_step_config()!r}'
            f'{" after holding out eval_fraction" if cfg.eval_fraction else ""}: the dataset has no such stage'
        )
    return train, held_out


def tokenized_questions(examples: list[StepExample], tokenizer, cfg: TrainConfig, report: TokenizeReport) -> Questions:
    groups = list(group_by_question(examples).values())
    flat = tokenize_examples(
        [e for g in groups for e in g], tokenizer, cfg.max_seq_len, cfg.mask_known_prefix, cfg.append_eos, report, cfg.eos_on_open_steps
    )
    out, at = [], 0
    for g in groups:
        out.append(flat[at : at + len(g)])
        at += len(g)
    return Questions(out)


def resume_point(cfg: TrainConfig, resume: bool, extend_epochs: int | None) -> tuple[TrainConfig, Path | None]:
    """The configuration to run and the checkpoint to start from. A checkpoint's own resolved
    configuration wins over the file's, so a resumed run is the run that was interrupted."""
    run_dir = Path(cfg.out_dir)
    ckpt = latest_checkpoint(run_dir)
    if not resume and not extend_epochs:
        if ckpt is not None:
            raise ConfigError(f'{run_dir} already holds a run (checkpoint {ckpt.name}): pass --resume or --extend-epochs N, or choose another out_dir')
        return cfg, None
    if ckpt is None:
        if extend_epochs:
            raise ConfigError(f'nothing to extend: {run_dir} has no complete checkpoint')
        return cfg, None  # --resume before the first checkpoint: start from scratch
    saved = config_from_dict(read_json(ckpt / 'train_config.json')['config'])
    saved.out_dir = cfg.out_dir  # the folder may have moved since: the run is where its checkpoint is
    if extend_epochs:
        saved.epochs += extend_epochs
        saved.lr_restart_step = read_json(ckpt / 'trainer_state.json')['step']
        saved.max_steps = None
    return saved, ckpt


class TimeBudget:
    """max_seconds: the optimizer steps that fit, decided once: after the first TIMED steps of this
    process that follow its first (which allocates and compiles, and is not typical), or at the
    first step that ends past the budget, whichever comes first."""

    TIMED = 8
    NOT_YET = 2**62

    def __init__(self, max_seconds: float | None, first_step: int) -> None:
        self.max_seconds, self.first_step = max_seconds, first_step
        self.pending = max_seconds is not None
        self.started = time.perf_counter()
        self.timed_from = 0.0
        self.per_step = 0.0

    def steps_that_fit(self, step: int) -> int:
        """At the deciding step, the total steps that end within the budget; NOT_YET before it."""
        now = time.perf_counter()
        done = step - self.first_step
        if now - self.started >= self.max_seconds:
            self.per_step = (now - self.started) / done
            return step
        if done == 1:
            self.timed_from = now
        if done != 1 + self.TIMED:
            return self.NOT_YET
        self.per_step = (now - self.timed_from) / self.TIMED
        return step + max(0, int((self.max_seconds - (now - self.started)) / self.per_step))


def train(config: str | Path | TrainConfig, resume: bool = False, extend_epochs: int | None = None, events: EventWriter | None = None) -> dict[str, Any]:
    events = events or EventWriter()

    # -------------------------------------------------------------------- configuration and data
    # Everything that can be wrong with the inputs fails here, before the run folder exists.
    cfg = load_config(config) if not isinstance(config, TrainConfig) else config
    if extend_epochs is not None and extend_epochs < 1:
        raise ConfigError('--extend-epochs must be >= 1')
    cfg, ckpt = resume_point(cfg, resume, extend_epochs)
    train_examples, eval_examples = load_examples(cfg)
    device = pick_device(cfg)
    # gradient_accumulation_steps tells DeepSpeed's engine when a step ends; accelerate (and the
    # engine) then divide every loss by it, which `backward` below undoes: our micro-batch
    # losses are already exact shares of the step's objective.
    accelerator = Accelerator(cpu=device == 'cpu', mixed_precision=pick_precision(cfg, device), gradient_accumulation_steps=cfg.grad_accum)
    events.enabled = events.enabled and accelerator.is_main_process
    set_seed(cfg.seed)
    tokenizer = load_tokenizer(cfg)
    report = TokenizeReport()
    train_q = tokenized_questions(train_examples, tokenizer, cfg, report)
    eval_q = tokenized_questions(eval_examples, tokenizer, cfg, report)
    del train_examples, eval_examples  # the texts (gigabytes at paper scale) are not needed again
    pad_id = tokenizer.pad_token_id

    # -------------------------------------------------------------------- model and optimizer
    attn = pick_attention(cfg, device)
    # flex attention is compiled per shape: 128 (its block size) keeps the shapes few
    pad_multiple = 128 if attn == 'flex_attention' else 1
    objective = StepERObjective(cfg.objective, cfg.stage_weights)
    student = Student(load_lm(cfg, attn), objective)
    # 'peak_lr' rides along in each group (and in the optimizer's saved state): the schedule scales it.
    groups = [{'params': [p for p in student.lm.parameters() if p.requires_grad], 'peak_lr': cfg.lr, 'weight_decay': cfg.weight_decay}]
    if objective.log_var is not None:
        groups.append({'params': [objective.log_var], 'peak_lr': cfg.sigma_lr, 'weight_decay': 0.0})
    optimizer = torch.optim.AdamW(groups, lr=cfg.lr, betas=tuple(cfg.adam_betas), eps=cfg.adam_eps)
    steps_per_epoch = math.ceil(len(train_q.examples) / cfg.batch_size)
    total_steps = cfg.epochs * steps_per_epoch
    if cfg.max_steps is not None:
        total_steps = min(total_steps, cfg.max_steps)
    student, optimizer = accelerator.prepare(student, optimizer)
    world, rank = accelerator.num_processes, accelerator.process_index

    state = {'step': 0, 'epoch': 0, 'batch': 0, 'best_eval': None, 'best_checkpoint': None, 'last_loss': None}
    if ckpt is not None:
        accelerator.load_state(str(ckpt / 'state'))
        state.update(read_json(ckpt / 'trainer_state.json'))
    resumed_from = state['step'] if ckpt is not None else None

    enabled = torch.zeros(3, dtype=torch.bool)
    for stages in train_q.stages:
        enabled[stages] = True
    resolved = {
        'config': cfg.to_dict(),
        'resolved': {
            'stepConfig': cfg.resolved_step_config(), 'device': str(accelerator.device), 'precision': accelerator.mixed_precision,
            'attnImplementation': attn, 'worldSize': world, 'distributed': str(accelerator.distributed_type),
            'backend': accelerator.state.backend, 'stepsPerEpoch': steps_per_epoch, 'totalSteps': total_steps,
            'trainQuestions': len(train_q.examples), 'evalQuestions': len(eval_q.examples),
            'trainExamples': {s: int(sum(st.count(j) for st in train_q.stages)) for j, s in enumerate(('init', 'exp', 'agg'))},
            'truncatedExamples': report.truncated,
            'versions': {'torch': torch.__version__, 'transformers': transformers.__version__},
        },
    }
    run_dir = Path(cfg.out_dir)
    if accelerator.is_main_process:
        run_dir.mkdir(parents=True, exist_ok=True)
        (run_dir / 'config.json').write_text(json.dumps(resolved, indent=2))
    events.attach(run_dir)
    events.emit('start', runDir=str(run_dir), config=resolved, totalSteps=total_steps, device=str(accelerator.device), resumedFromStep=resumed_from)
    log.info('training %s on %s: %d questions, %d steps', cfg.objective, accelerator.device, len(train_q.examples), total_steps)

    def evaluate() -> tuple[float, torch.Tensor, torch.Tensor]:
        """L_j over all held-out questions (every stage, whatever the step configuration);
        evalLoss is L_agg, the final-answer step every objective trains, so runs compare."""
        student.eval()
        sums = torch.zeros(3, device=accelerator.device)
        counts = torch.zeros(3, device=accelerator.device)
        order = list(range(len(eval_q.examples)))
        with torch.no_grad():
            for start in range(0, len(order), cfg.batch_size):
                for qs in deal(order[start : start + cfg.batch_size], world, rank, 1):
                    batch = eval_q.micro_batch(qs, pad_id, cfg, pad_multiple).to(accelerator.device)
                    sums += student(batch, torch.zeros(3, device=accelerator.device), False)[1]
                    counts += torch.bincount(batch.example_stage, minlength=3).to(counts)
        student.train()
        sums, counts = accelerator.reduce(sums, 'sum'), accelerator.reduce(counts, 'sum')
        present = counts > 0
        denominators = counts if cfg.stage_mean == 'examples' else torch.full_like(counts, len(eval_q.examples))
        L = torch.where(present, sums / denominators.clamp(min=1), 0.0).cpu()
        return float(L[AGG]), L, present.cpu()

    def checkpoint() -> None:
        path = save_checkpoint(accelerator, student, tokenizer, run_dir, state['step'], state, resolved)
        # A run from before best/ existed may name a step checkpoint as its best: never pruned.
        keep = {Path(state['best_checkpoint'])} if state['best_checkpoint'] else set()
        if accelerator.is_main_process:
            prune_checkpoints(run_dir, cfg.keep_last, keep)
        events.emit('checkpoint', step=state['step'], path=str(path), best=False)

    unwrapped = accelerator.unwrap_model(student)
    last_loss = state['last_loss']
    budget = TimeBudget(cfg.max_seconds, state['step'])
    student.train()
    while state['step'] < total_steps:
        batches = epoch_batches(len(train_q.examples), cfg.batch_size, cfg.seed, state['epoch'])
        if state['batch'] >= len(batches):
            state['epoch'] += 1
            state['batch'] = 0
            continue
        t0 = time.perf_counter()
        questions = batches[state['batch']]
        plan = step_plan(questions, train_q.stages, cfg.stage_mean)
        # L_j's share per micro-batch: Σℓ · world / denominator_j (DDP averages gradients over processes).
        scale = torch.where(plan.present, world / plan.denominators.clamp(min=1), 0.0).to(accelerator.device)

        # ---------------------------------------------------------------- determine the learning rate
        # A pure function of the step (no scheduler state to save): resume and extension just work.
        factor = lr_factor(state['step'], total_steps, cfg.warmup_ratio, cfg.min_lr_ratio, cfg.lr_restart_step)
        for group in optimizer.param_groups:
            group['lr'] = group['peak_lr'] * factor
        lr = cfg.lr * factor

        # ---------------------------------------------------------------- forward, backward
        micro = deal(questions, world, rank, cfg.grad_accum)
        sums = torch.zeros(3, device=accelerator.device)
        tokens = 0
        for m, qs in enumerate(micro):
            batch = train_q.micro_batch(qs, pad_id, cfg, pad_multiple).to(accelerator.device)
            with accelerator.no_sync(student) if m < len(micro) - 1 else nullcontext():
                loss, batch_sums = student(batch, scale, regularise=m == 0)
                accelerator.backward(loss * cfg.grad_accum)
            sums += batch_sums
            tokens += batch.n_tokens

        # ---------------------------------------------------------------- the step's objective, as logged
        # Recomputed from the global stage losses with the σ the gradients were taken at.
        totals = accelerator.reduce(torch.cat([sums, torch.tensor([float(tokens)], device=sums.device)]), 'sum').cpu()
        L = torch.where(plan.present, totals[:3] / plan.denominators.clamp(min=1), 0.0)
        with torch.no_grad():
            step_loss = float(unwrapped.objective(L.to(accelerator.device), plan.present.to(accelerator.device)))
        sigma, sigma_norm = unwrapped.objective.sigma(), unwrapped.objective.sigma_norm(enabled)

        # ---------------------------------------------------------------- update
        if cfg.max_grad_norm > 0:
            accelerator.clip_grad_norm_(student.parameters(), cfg.max_grad_norm)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        state['step'] += 1
        state['batch'] += 1
        state['last_loss'] = last_loss = step_loss
        elapsed = time.perf_counter() - t0

        # ---------------------------------------------------------------- time budget
        step = state['step']
        if budget.pending:
            # Every process decides at the same step, on the smallest total any of them can fit.
            fits = budget.steps_that_fit(step)
            fits = int(accelerator.gather(torch.tensor([fits], device=accelerator.device)).min())
            if fits != TimeBudget.NOT_YET:
                budget.pending = False
                if fits < total_steps:
                    total_steps = max(step, fits)
                    events.emit('budget', step=step, totalSteps=total_steps, secondsPerStep=budget.per_step, maxSeconds=cfg.max_seconds)
                    log.info('time budget of %.0f s: cut to %d steps (%.3f s a step)', cfg.max_seconds, total_steps, budget.per_step)

        # ---------------------------------------------------------------- log
        if step % cfg.log_every == 0 or step == total_steps:
            events.emit(
                'step', step=step, epoch=state['epoch'] + state['batch'] / len(batches), loss=step_loss,
                stageLoss=stage_numbers(L.tolist(), plan.present), sigma=stage_numbers(sigma, enabled),
                sigmaNorm=stage_numbers(sigma_norm, enabled), lr=lr, tokensPerSec=float(totals[3]) / elapsed,
            )

        # ---------------------------------------------------------------- evaluate and checkpoint
        # A new best replaces best/ rather than writing a step checkpoint: with eval_every below
        # checkpoint_every, an improving run would otherwise checkpoint at every eval.
        if eval_q.examples and ((cfg.eval_every and step % cfg.eval_every == 0) or step == total_steps):
            eval_loss, eval_L, eval_present = evaluate()
            best = state['best_eval'] is None or eval_loss < state['best_eval']
            if best:
                state['best_eval'] = eval_loss
                state['best_checkpoint'] = str(best_path(run_dir))
            events.emit('eval', step=step, evalLoss=eval_loss, stageLoss=stage_numbers(eval_L.tolist(), eval_present), best=best)
            if best:
                path = save_best(accelerator, student, tokenizer, run_dir, step, eval_loss, resolved)
                events.emit('checkpoint', step=step, path=str(path), best=True)
        if (cfg.checkpoint_every and step % cfg.checkpoint_every == 0) or (step == total_steps and cfg.checkpoint_at_end):
            checkpoint()

    events.emit('done', step=state['step'], bestCheckpoint=state['best_checkpoint'], finalLoss=last_loss)
    accelerator.end_training()
    return {'runDir': str(run_dir), 'step': state['step'], 'bestCheckpoint': state['best_checkpoint'], 'finalLoss': last_loss}


def setup_logging() -> None:
    """Our progress lines on stderr (main process only); libraries keep their warnings."""
    import transformers.utils.logging as hf_logging

    hf_logging.disable_progress_bar()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter('%(asctime)s %(name)s: %(message)s'))
    log.addHandler(handler)
    log.setLevel(logging.INFO if int(os.environ.get('RANK', '0')) == 0 else logging.WARNING)
