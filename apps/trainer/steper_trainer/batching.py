"""Batches of whole questions, and packing of their examples into rows.

An optimizer step sees `batch_size` questions with all of their examples, so every stage of a
question meets the same σ and the same 1/n (DESIGN.md §2). The step's questions are dealt to
processes and micro-batches; each micro-batch packs its examples into rows of at most
`max_seq_len` tokens. Position ids restart at 0 for every example, which is how transformers
tells packed sequences apart (masking_utils.find_packed_sequence_indices): SDPA and eager get a
block-diagonal causal mask, flex attention a block mask, flash-attention the varlen kernel, so
no token attends across examples.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import torch

from .data import STAGES, StepExample


@dataclass(frozen=True)
class TokenizedExample:
    ids: np.ndarray  # prompt + target (+ EOS), int32: a paper-sized dataset as Python ints would take gigabytes
    loss_start: int  # first token that is a target token (the loss predicts ids[loss_start:])
    stage: int  # index into STAGES


@dataclass
class TokenizeReport:
    truncated: int = 0  # examples that lost the start of their prompt to max_seq_len


def tokenize_examples(
    examples: list[StepExample], tokenizer, max_seq_len: int, mask_known_prefix: bool, append_eos: bool,
    report: TokenizeReport | None = None, eos_on_open_steps: bool = False,
) -> list[TokenizedExample]:
    """Prompt, known prefix and the rest of the target are tokenised apart, so the loss boundary
    is a token boundary and masking the prefix changes which tokens count, never the tokens.
    EOS follows agg targets, and init/exp targets too only with `eos_on_open_steps`."""
    out: list[TokenizedExample] = []
    for start in range(0, len(examples), 1024):  # chunks bound the transient Python lists
        out += _tokenize_chunk(
            examples[start : start + 1024], tokenizer, max_seq_len, mask_known_prefix, append_eos, eos_on_open_steps, report
        )
    return out


def _tokenize_chunk(
    examples, tokenizer, max_seq_len, mask_known_prefix, append_eos, eos_on_open_steps, report
) -> list[TokenizedExample]:
    def encode(texts: list[str]) -> list[list[int]]:
        return tokenizer(texts, add_special_tokens=False)['input_ids'] if texts else []

    prompts = encode([e.prompt for e in examples])
    prefixes = encode([e.known_prefix for e in examples])
    rests = encode([e.target[len(e.known_prefix):] for e in examples])
    eos = [tokenizer.eos_token_id] if append_eos else []
    out = []
    for e, p, k, r in zip(examples, prompts, prefixes, rests):
        target = k + r + (eos if e.stage == 'agg' or eos_on_open_steps else [])
        if len(target) >= max_seq_len:
            # Keep one prompt token so the first target token is predicted from something.
            target = target[: max_seq_len - 1]
        excess = len(p) + len(target) - max_seq_len
        if excess > 0:
            p = p[excess:]
            if report is not None:
                report.truncated += 1
        skip = min(len(k), len(target) - 1) if mask_known_prefix else 0
        # max(1, …): the very first token of a row has nothing before it to be predicted from.
        loss_start = max(1, len(p) + skip)
        out.append(TokenizedExample(ids=np.asarray(p + target, dtype=np.int32), loss_start=loss_start, stage=STAGES.index(e.stage)))
    return out


def epoch_batches(n_questions: int, batch_size: int, seed: int, epoch: int) -> list[list[int]]:
    """Question indices of every optimizer step of one epoch: a seeded shuffle per epoch, so a
    resumed run sees exactly the batches the uninterrupted one would have."""
    order = list(range(n_questions))
    random.Random(f'{seed}:{epoch}').shuffle(order)
    return [order[i : i + batch_size] for i in range(0, n_questions, batch_size)]


def deal(questions: list[int], world_size: int, rank: int, grad_accum: int) -> list[list[int]]:
    """This process's micro-batches of one step: round-robin over processes, then over
    micro-batches. A micro-batch may be empty (fewer questions than slots): it still runs, so
    every process does the same number of backward passes."""
    mine = questions[rank::world_size]
    return [mine[m::grad_accum] for m in range(grad_accum)]


@dataclass
class MicroBatch:
    input_ids: torch.Tensor  # (rows, T)
    position_ids: torch.Tensor  # (rows, T), restarting at 0 for every example (and for the padding)
    pred_index: torch.Tensor  # (N,) flat positions in rows*T whose next token is a target token
    pred_label: torch.Tensor  # (N,) that next token
    pred_example: torch.Tensor  # (N,) which example of this micro-batch the prediction belongs to
    example_stage: torch.Tensor  # (E,) stage index of each example
    n_tokens: int  # real (non-padding) tokens

    def to(self, device: torch.device) -> MicroBatch:
        return MicroBatch(**{k: v.to(device) if isinstance(v, torch.Tensor) else v for k, v in vars(self).items()})


def pack_rows(lengths: list[int], capacity: int) -> list[list[int]]:
    """First-fit decreasing: few rows, little padding."""
    rows: list[list[int]] = []
    free: list[int] = []
    for i in sorted(range(len(lengths)), key=lambda i: -lengths[i]):
        for r, room in enumerate(free):
            if lengths[i] <= room:
                rows[r].append(i)
                free[r] -= lengths[i]
                break
        else:
            rows.append([i])
            free.append(capacity - lengths[i])
    return rows


def build_micro_batch(examples: list[TokenizedExample], pad_id: int, max_seq_len: int, packing: bool, pad_multiple: int = 1) -> MicroBatch:
    """pad_multiple rounds the row width up, so compiled kernels (flex attention) meet few shapes."""
    if not examples:
        # An empty slot: one padding token, no prediction (see `deal`).
        return MicroBatch(
            input_ids=torch.full((1, 1), pad_id), position_ids=torch.zeros((1, 1), dtype=torch.long),
            pred_index=torch.zeros(0, dtype=torch.long), pred_label=torch.zeros(0, dtype=torch.long),
            pred_example=torch.zeros(0, dtype=torch.long), example_stage=torch.zeros(0, dtype=torch.long), n_tokens=0,
        )
    lengths = [len(e.ids) for e in examples]
    rows = pack_rows(lengths, max_seq_len) if packing else [[i] for i in range(len(examples))]
    width = max(sum(lengths[i] for i in row) for row in rows)
    width = -(-width // pad_multiple) * pad_multiple
    input_ids = np.full((len(rows), width), pad_id, dtype=np.int64)
    position_ids = np.zeros((len(rows), width), dtype=np.int64)
    pred_index, pred_label, pred_example = [], [], []
    for r, row in enumerate(rows):
        at = 0
        for i in row:
            e = examples[i]
            n = len(e.ids)
            input_ids[r, at : at + n] = e.ids
            position_ids[r, at : at + n] = np.arange(n)
            # the logits at position t predict token t+1: targets ids[loss_start:] come from t = loss_start-1 … n-2
            pred_index.append(r * width + at + np.arange(e.loss_start - 1, n - 1))
            pred_label.append(np.asarray(e.ids[e.loss_start :], dtype=np.int64))
            pred_example.append(np.full(n - e.loss_start, i, dtype=np.int64))
            at += n
        position_ids[r, at:] = np.arange(width - at)
    return MicroBatch(
        input_ids=torch.from_numpy(input_ids), position_ids=torch.from_numpy(position_ids),
        pred_index=torch.from_numpy(np.concatenate(pred_index)), pred_label=torch.from_numpy(np.concatenate(pred_label)),
        pred_example=torch.from_numpy(np.concatenate(pred_example)),
        example_stage=torch.tensor([e.stage for e in examples], dtype=torch.long), n_tokens=sum(lengths),
    )


@dataclass
class StepPlan:
    """What one optimizer step needs beyond its micro-batches: the whole batch's stage
    presence and the denominators of L_j (questions, or the ablation's examples per stage)."""

    present: torch.Tensor  # (3,) bool: stage j has an example anywhere in the step's batch
    denominators: torch.Tensor  # (3,) float: n questions (or examples of stage j); 0 where absent


def step_plan(questions: list[int], stages_of_question: list[list[int]], stage_mean: str) -> StepPlan:
    counts = torch.zeros(3)
    for q in questions:
        for s in stages_of_question[q]:
            counts[s] += 1
    present = counts > 0
    if stage_mean == 'questions':
        denominators = torch.where(present, float(len(questions)), 0.0)
    else:
        denominators = counts
    return StepPlan(present=present, denominators=denominators)
