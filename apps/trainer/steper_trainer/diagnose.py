"""What a student can do, measured on step examples it did not train on — the questions to ask
before reading an evaluation where every student scores zero.

- next step: given an example's prompt and the reasoning already known (R_≤s−1), does greedy
  decoding write the teacher's next sentence (init, exp) or final answer (agg)? Per stage.
- copy: a passage of the prompt shown a second time at its end; the loss on its second showing
  against its first. A student that cannot copy from its context (no induction heads) scores
  about 1; one that can is far below 1. Multi-step RAG needs this skill at every step.

- copy rows (`--copy-rows`): rows "w1 … wn\nw1 … wn" of random words (the pre-training's copy
  curriculum); the loss on the repeated half against the first. Near 0 once induction heads
  have formed; the experiment's pre-training trains until it is. Gapped rows (the long-range
  copy curriculum: the words anywhere among others in the prompt, the target the words again)
  give the target's loss after the prompt against its loss on its own.

    python -m steper_trainer.diagnose --model DIR --examples held-out.jsonl [--per-stage 40]
    python -m steper_trainer.diagnose --model DIR --copy-rows rows.jsonl
    python -m steper_trainer.diagnose --model DIR --copy-range rows.jsonl

Prints one JSON object. Use held-out (dev) questions: never the test questions.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from .data import StepExample, read_step_dataset

STAGES = ('init', 'exp', 'agg')


def next_step_accuracy(model, tokenizer, examples: list[StepExample], per_stage: int, max_new_tokens: int) -> dict:
    out: dict[str, dict] = {}
    for stage in STAGES:
        rows = [e for e in examples if e.stage == stage][:per_stage]
        right, sample = 0, None
        for e in rows:
            want = e.target[len(e.known_prefix) :].strip()
            ids = tokenizer(e.prompt + e.known_prefix, return_tensors='pt').input_ids
            with torch.no_grad():
                gen = model.generate(
                    ids,
                    max_new_tokens=max_new_tokens,
                    do_sample=False,
                    eos_token_id=tokenizer.eos_token_id,
                    pad_token_id=tokenizer.eos_token_id,
                )
            got = tokenizer.decode(gen[0, ids.shape[1] :], skip_special_tokens=True).strip()
            right += got.startswith(want)
            sample = sample or {'want': want, 'got': got}
        out[stage] = {'right': right, 'examples': len(rows), 'accuracy': right / len(rows) if rows else None, 'sample': sample}
    return out


def token_nll(model, ids: list[int]) -> torch.Tensor:
    """Loss of each token after the first: entry t is the loss of token t + 1 given those before it."""
    with torch.no_grad():
        logp = torch.log_softmax(model(torch.tensor([ids])).logits[0, :-1].float(), -1)
    return -logp.gather(-1, torch.tensor(ids[1:])[:, None])[:, 0]


def first_and_again(first: float, n_first: int, again: float, n_again: int) -> dict:
    """Mean losses of the first and the repeated showing, and their ratio (None when either is empty)."""
    if n_first == 0 or n_again == 0:
        return {'firstLoss': None, 'againLoss': None, 'ratio': None}
    return {'firstLoss': first / n_first, 'againLoss': again / n_again, 'ratio': (again / n_again) / (first / n_first)}


def copy_ratio(model, tokenizer, examples: list[StepExample], limit: int, max_len: int) -> dict:
    """Mean loss on a passage's second showing over its first, on the prompts' own passages."""
    first = again = 0.0
    n_first = n_again = 0
    for e in examples[:limit]:
        blocks = [b for b in e.prompt.split('\n\n') if b.startswith('Wikipedia Title:')]
        if len(blocks) < 2:
            continue
        before = '\n\n'.join(blocks) + '\n\n'
        text = before + blocks[0]
        n_before = len(tokenizer(before).input_ids)
        n_block = len(tokenizer(blocks[0]).input_ids)
        ids = tokenizer(text).input_ids
        if len(ids) > max_len:
            continue
        nll = token_nll(model, ids)
        # Token t is predicted at position t-1; the first token of each showing has no context to copy.
        first += nll[1 : n_block - 1].sum().item()
        n_first += n_block - 2
        again += nll[n_before:].sum().item()
        n_again += len(ids) - 1 - n_before
    return first_and_again(first, n_first, again, n_again)


def copy_rows_loss(model, tokenizer, rows: list[StepExample]) -> dict:
    """Mean loss per token of the copy against the same words seen for the first time.

    Adjacent rows (empty prompt, target "words\nwords"): the repeated half against the first half.
    Gapped rows (prompt: the words somewhere among other words, then a newline; target: the words):
    the target after the prompt against the target on its own. Both skip the copy's first token,
    which nothing before it predicts.
    """
    first = again = 0.0
    n_first = n_again = 0

    for row in rows:
        if row.prompt:
            prompt = tokenizer(row.prompt, add_special_tokens=False).input_ids
            target = tokenizer(row.target, add_special_tokens=False).input_ids
            alone = token_nll(model, target)
            after = token_nll(model, prompt + target)[len(prompt) :]
            first += alone.sum().item()
            n_first += len(alone)
            again += after.sum().item()
            n_again += len(after)
            continue
        half = row.target.split('\n')[0]
        n_half = len(tokenizer(half + '\n', add_special_tokens=False).input_ids)
        nll = token_nll(model, tokenizer(row.target, add_special_tokens=False).input_ids)
        # nll[t] is the loss of token t+1: the first half (after its first token) then the repeat.
        first += nll[: n_half - 1].sum().item()
        n_first += n_half - 1
        again += nll[n_half:].sum().item()
        n_again += len(nll) - n_half
    return {**first_and_again(first, n_first, again, n_again), 'rows': len(rows)}


COPY_RANGE_GAPS = (0, 10, 25, 75, 150, 300, 500)


def copy_range(model, tokenizer, words: list[str], per_gap: int = 12, seed: int = 0) -> dict:
    """Copying by distance: rows "A <gap random words>\nA" (A: 20 random words), per gap in words,
    the second A's loss over the first's (both after their first token). 1 = no copying at that
    distance; the copy curriculum's students copy at 0 and not at 25 (recipe-2026-12-06)."""
    import random

    rng = random.Random(seed)
    vocab = sorted(set(words))
    out: dict[str, float] = {}
    for gap in COPY_RANGE_GAPS:
        first = again = 0.0
        for _ in range(per_gap):
            a = ' '.join(rng.sample(vocab, 20))
            filler = ' '.join(rng.choice(vocab) for _ in range(gap))
            prompt = f'{a} {filler}\n' if gap else f'{a}\n'
            a_ids = tokenizer(a, add_special_tokens=False).input_ids
            p_ids = tokenizer(prompt, add_special_tokens=False).input_ids
            nll = token_nll(model, p_ids + a_ids)
            first += nll[: len(a_ids) - 1].mean().item()
            again += nll[len(p_ids) :].mean().item()
        out[str(gap)] = again / first
    return {'gapWords': list(COPY_RANGE_GAPS), 'ratio': out, 'rowsPerGap': per_gap}


def diagnose(
    model_dir: str,
    examples_path: str | None,
    tokenizer_dir: str | None = None,
    per_stage: int = 40,
    max_new_tokens: int = 48,
    copy_examples: int = 20,
    max_len: int = 2048,
    copy_rows_path: str | None = None,
    copy_range_path: str | None = None,
) -> dict:
    """Loads the model once for whichever of the step examples and the copy rows are given."""
    tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir or model_dir)
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32).eval()
    out: dict = {'model': model_dir}
    if examples_path:
        examples = read_step_dataset(examples_path)
        out['examples'] = examples_path
        out['nextStep'] = next_step_accuracy(model, tokenizer, examples, per_stage, max_new_tokens)
        out['copy'] = copy_ratio(model, tokenizer, examples, copy_examples, max_len)
    if copy_rows_path:
        out['copyRows'] = copy_rows_loss(model, tokenizer, read_step_dataset(copy_rows_path))
    if copy_range_path:
        words = [w for e in read_step_dataset(copy_range_path) for w in e.target.split()]
        out['copyRange'] = copy_range(model, tokenizer, words)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog='python -m steper_trainer.diagnose', description=__doc__.split('\n\n')[0])
    parser.add_argument('--model', required=True, help="a Hugging Face model folder (a checkpoint's model/ or an init)")
    parser.add_argument('--tokenizer', help='tokenizer folder when the model folder has none')
    parser.add_argument('--examples', help='held-out step examples (JSON lines)')
    parser.add_argument('--copy-rows', help='held-out copy-curriculum rows (JSON lines step examples: adjacent or gapped)')
    parser.add_argument('--copy-range', help='copy rows whose words make "A <gap>\\nA" rows: the copy ratio per distance')
    parser.add_argument('--per-stage', type=int, default=40, help='examples decoded per stage (default 40)')
    parser.add_argument('--max-new-tokens', type=int, default=48)
    args = parser.parse_args(argv)
    if not args.examples and not args.copy_rows and not args.copy_range:
        parser.error('give --examples, --copy-rows or --copy-range')
    for flag, path in (
        ('--model', args.model), ('--examples', args.examples), ('--copy-rows', args.copy_rows), ('--copy-range', args.copy_range),
    ):
        if path and not Path(path).exists():
            print(f'diagnose: {flag} {path} does not exist', file=sys.stderr)
            return 2
    print(json.dumps(diagnose(
        args.model, args.examples, args.tokenizer, args.per_stage, args.max_new_tokens,
        copy_rows_path=args.copy_rows, copy_range_path=args.copy_range,
    )))
    return 0


if __name__ == '__main__':
    sys.exit(main())
