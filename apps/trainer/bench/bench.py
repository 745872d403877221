"""Training throughput: the plain Hugging Face loop against this trainer, on Qwen2.5-shaped
students with random weights (no download), in one run.

    uv run --project apps/trainer python apps/trainer/bench/bench.py                       # GPU: 0.5B and 1.5B shapes
    uv run --project apps/trainer python apps/trainer/bench/bench.py --shape tiny --steps 2 --warmup 1   # CPU smoke run

Rows printed (tokens/s counts real tokens, never padding):
  plain HF, dense      8×2048 rows of random tokens, every position labelled — the issue's baseline
                       setting (76k tokens/s, 25% MFU for the 0.5B shape on one H100)
  plain HF, padded     StepER-shaped examples one per row, padded to the longest in the batch,
                       loss on target tokens: what a stock loop does with this data
  trainer <attn>       this trainer (steper-difficulty, all stages): whole questions, examples
                       packed into rows without cross-attention, logits only at target tokens
  trainer vanilla      the same trainer on the same batches with the Vanilla-KD objective:
                       StepER's three-stage objective must cost ≤ 5% more per token
MFU = (6·N + 12·L·d·S) FLOPs per token × tokens/s / peak, with N all parameters (tied embedding
counted once, as the output projection), S the mean example length (the attention span).
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from steper_trainer.config import TrainConfig  # noqa: E402
from steper_trainer.events import EventWriter  # noqa: E402
from steper_trainer.tiny_model import SHAPES, build_model, train_tokenizer  # noqa: E402
from steper_trainer.train import train  # noqa: E402

PEAK_TFLOPS = {'H100': 989.0, 'H200': 989.0, 'A100': 312.0, 'L40S': 362.0}  # dense bf16
BASELINE = {'qwen2.5-0.5b': 'issue 5: 76k tokens/s, 25% MFU (plain loop, 8×2048, one H100)'}


def words(rng: random.Random, n: int, vocab: list[str]) -> str:
    return ' '.join(rng.choice(vocab) for _ in range(n))


def synthetic_questions(n_questions: int, passage_words: int, seed: int) -> list[dict]:
    """StepER-shaped examples: K=4 passages a step, P_≤s growing with s, chains of sentences."""
    rng = random.Random(seed)
    syllables = ['ka', 'lo', 'mir', 'ten', 'us', 'ra', 'vel', 'do', 'sin', 'por', 'eth', 'an', 'qui', 'bor', 'zel']
    vocab = [''.join(rng.choice(syllables) for _ in range(rng.randint(1, 3))) for _ in range(3000)]
    rows = []
    for q in range(n_questions):
        question = words(rng, 12, vocab) + '?'
        n_exp = rng.randint(0, 3)
        passages, chain = [], ''
        for s in range(1, n_exp + 3):
            passages += [f'Wikipedia Title: {words(rng, 2, vocab)}\n{words(rng, passage_words, vocab)}.' for _ in range(4)]
            prompt = '\n\n'.join(passages) + f'\n\nQ: Answer the following question by reasoning step-by-step.\n{question}\nA:'
            stage = 'init' if s == 1 else ('agg' if s == n_exp + 2 else 'exp')
            known = chain
            chain += ' ' + words(rng, rng.randint(10, 30), vocab) + '.'
            target = chain if stage != 'agg' else known + ' So the answer is: ' + words(rng, 2, vocab) + '.'
            rows.append(dict(id=f'q{q}:{stage}:{s}', questionId=f'q{q}', stage=stage, step=s, loop='ircot',
                             prompt=prompt, target=target, knownPrefix=known, passageIds=[]))
    return rows


def make_student(shape: str, folder: Path, rows: list[dict], hidden: int) -> Path:
    """A random-init student of the shape, with a BPE tokenizer trained on the benchmark text."""
    tokenizer = train_tokenizer([r['prompt'] + r['target'] for r in rows[:400]], 4000)
    eos = tokenizer.convert_tokens_to_ids('<|endoftext|>')
    model = build_model(len(tokenizer), hidden, 2, 0, None if shape == 'tiny' else shape, eos)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def flops_per_token(config, n_params: int, span: float) -> float:
    return 6 * n_params + 12 * config.num_hidden_layers * config.hidden_size * span


def peak_flops(override: float | None) -> float | None:
    if override:
        return override * 1e12
    if not torch.cuda.is_available():
        return None
    name = torch.cuda.get_device_name()
    return next((tf * 1e12 for key, tf in PEAK_TFLOPS.items() if key in name), None)


def sync() -> None:
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def free() -> None:
    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def plain_loop(folder: Path, batches: list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]], warmup: int, attn: str) -> tuple[float, int]:
    """The stock Hugging Face loop: model(input_ids, attention_mask, labels), AdamW, bf16 autocast."""
    from transformers import AutoModelForCausalLM

    device = 'cuda' if torch.cuda.is_available() else 'cpu'
    model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32, attn_implementation=attn).to(device)
    model.config.use_cache = False
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-5)
    autocast = torch.autocast('cuda', dtype=torch.bfloat16) if device == 'cuda' else torch.autocast('cpu', enabled=False)
    tokens, start = 0, 0.0
    for i, (ids, mask, labels) in enumerate(batches):
        if i == warmup:
            sync()
            start, tokens = time.perf_counter(), 0
        ids, mask, labels = ids.to(device), mask.to(device), labels.to(device)
        with autocast:
            loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        tokens += int(mask.sum())
    sync()
    seconds = time.perf_counter() - start
    n_params = sum(p.numel() for p in model.parameters())
    del model, optimizer
    free()
    return tokens / seconds, n_params


def dense_batches(vocab: int, rows: int, seq_len: int, steps: int) -> list:
    ids = torch.randint(0, vocab, (rows, seq_len))
    return [(ids, torch.ones_like(ids), ids.clone()) for _ in range(steps)]


def padded_batches(tokenized: list, rows: int, steps: int, pad: int) -> list:
    out = []
    for i in range(steps):
        chunk = [tokenized[(i * rows + r) % len(tokenized)] for r in range(rows)]
        width = max(len(e.ids) for e in chunk)
        ids = torch.full((rows, width), pad)
        mask = torch.zeros((rows, width), dtype=torch.long)
        labels = torch.full((rows, width), -100)
        for r, e in enumerate(chunk):
            ids[r, : len(e.ids)] = torch.from_numpy(e.ids)
            mask[r, : len(e.ids)] = 1
            labels[r, e.loss_start : len(e.ids)] = torch.from_numpy(e.ids[e.loss_start :])
        out.append((ids, mask, labels))
    return out


def trainer_run(folder: Path, data: Path, out: Path, objective: str, attn: str, batch_questions: int, seq_len: int, steps: int, warmup: int) -> float:
    """This trainer itself (train()), timed by its own step events."""
    cfg = TrainConfig(
        data=str(data), out_dir=str(out), model=str(folder), objective=objective, step_config='all' if objective != 'vanilla' else None,
        lr=1e-5, epochs=100, batch_size=batch_questions, gradient_checkpointing=False, attn_implementation=attn,
        max_seq_len=seq_len, eval_every=0, checkpoint_every=0, checkpoint_at_end=False, max_steps=warmup + steps, warmup_ratio=0.0,
    )
    stream = io.StringIO()
    train(cfg, events=EventWriter(stream=stream))
    events = [json.loads(line) for line in stream.getvalue().splitlines()]
    timed = [e for e in events if e['event'] == 'step'][warmup:]
    free()
    # harmonic: total tokens over total time
    return len(timed) / sum(1 / e['tokensPerSec'] for e in timed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--shape', action='append', choices=['tiny', *SHAPES], help='default: both Qwen2.5 shapes on GPU, tiny on CPU')
    parser.add_argument('--steps', type=int, default=20, help='timed optimizer steps per row')
    parser.add_argument('--warmup', type=int, default=3, help='untimed steps first (allocator, kernels, compile)')
    parser.add_argument('--rows', type=int, default=8, help='rows per plain-loop batch')
    parser.add_argument('--seq-len', type=int, default=2048)
    parser.add_argument('--attn', default=None, help='trainer attention kernels, comma-separated (default: sdpa,flex_attention on GPU, sdpa on CPU)')
    parser.add_argument('--peak-tflops', type=float, default=None, help='peak bf16 TFLOP/s for MFU when the GPU is not recognised')
    parser.add_argument('--questions', type=int, default=400, help='synthetic StepER questions to draw batches from')
    parser.add_argument('--out', type=Path, default=None, help='also write the figures as JSON here')
    args = parser.parse_args(argv)
    gpu = torch.cuda.is_available()
    shapes = args.shape or (['qwen2.5-0.5b', 'qwen2.5-1.5b'] if gpu else ['tiny'])
    attns = (args.attn or ('sdpa,flex_attention' if gpu else 'sdpa')).split(',')
    peak = peak_flops(args.peak_tflops)
    device = torch.cuda.get_device_name() if gpu else 'cpu'
    print(f'device: {device}   peak: {peak / 1e12 if peak else "n/a"} TFLOP/s   torch {torch.__version__}', flush=True)
    results = []
    passage_words = 60 if args.seq_len >= 1024 else 12
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        rows = synthetic_questions(args.questions, passage_words, seed=0)
        data = tmp / 'steps.jsonl'
        data.write_text(''.join(json.dumps(r) + '\n' for r in rows))
        for shape in shapes:
            from transformers import AutoConfig, AutoTokenizer

            from steper_trainer.batching import tokenize_examples
            from steper_trainer.data import read_step_dataset

            folder = make_student(shape, tmp / shape, rows, hidden=64)
            tokenizer = AutoTokenizer.from_pretrained(folder)
            tokenized = tokenize_examples(read_step_dataset(data), tokenizer, args.seq_len, False, True)
            span = sum(len(e.ids) for e in tokenized) / len(tokenized)
            config = AutoConfig.from_pretrained(folder)
            # questions per trainer step chosen to carry about as many tokens as a dense plain batch
            per_question = sum(len(e.ids) for e in tokenized) / len({r['questionId'] for r in rows})
            batch_questions = max(1, round(args.rows * args.seq_len / per_question))
            total = args.warmup + args.steps
            # The plain loop counts the parameters (tied embedding once) as it builds the model.
            tps, n_params = plain_loop(folder, dense_batches(config.vocab_size, args.rows, args.seq_len, total), args.warmup, 'sdpa')
            print(f'\n{shape}: {n_params / 1e6:.1f}M parameters, mean example {span:.0f} tokens, trainer batch {batch_questions} questions', flush=True)
            print(f'  {"loop":48s} {"tokens/s":>10s} {"MFU":>7s} {"peak GiB":>9s}')

            def record(name: str, value: float, row_span: float, shape=shape, config=config, n_params=n_params) -> float:
                """One row, printed and saved as soon as it is measured: a run cut at its time keeps what it had."""
                mfu = value * flops_per_token(config, n_params, row_span) / peak if peak else None
                peak_gib = torch.cuda.max_memory_allocated() / 2**30 if gpu else None
                if gpu:
                    torch.cuda.reset_peak_memory_stats()
                print(f'  {name:48s} {value:10.0f} {f"{100 * mfu:.1f}%" if mfu else "n/a":>7s} {f"{peak_gib:.1f}" if peak_gib else "n/a":>9s}', flush=True)
                results.append({'shape': shape, 'loop': name, 'tokensPerSec': value, 'mfu': mfu, 'peakGiB': peak_gib, 'device': device})
                if args.out:
                    args.out.write_text(json.dumps(results, indent=2))
                return value

            record(f'plain HF, dense {args.rows}x{args.seq_len}', tps, args.seq_len)
            tps, _ = plain_loop(folder, padded_batches(tokenized, args.rows, total, tokenizer.pad_token_id), args.warmup, 'sdpa')
            record(f'plain HF, padded StepER rows x{args.rows}', tps, span)

            def run(objective: str, attn: str, folder=folder, shape=shape, batch_questions=batch_questions) -> float:
                out = tmp / f'run-{shape}-{objective}-{attn}'
                return trainer_run(folder, data, out, objective, attn, batch_questions, args.seq_len, args.steps, args.warmup)
            # The figures first (StepER against Vanilla-KD on the first kernel), the other
            # kernels after: a run cut at its time loses the extras, not the comparison.
            first = attns[0]
            steper_tps = record(f'trainer steper-difficulty, packed, {first}', run('steper-difficulty', first), span)
            uniform_tps = record(f'trainer steper-uniform (same batches), {first}', run('steper-uniform', first), span)
            agg_spans = [len(e.ids) for e in tokenized if e.stage == 2]
            vanilla_tps = record(f'trainer vanilla-KD (agg examples), {first}', run('vanilla', first), sum(agg_spans) / len(agg_spans))
            print(f'  StepER cost per token over Vanilla-KD: {100 * (vanilla_tps / steper_tps - 1):+.1f}% '
                  f'(goal <= +5%); difficulty weighting over uniform: {100 * (uniform_tps / steper_tps - 1):+.1f}%', flush=True)
            for attn in attns[1:]:
                record(f'trainer steper-difficulty, packed, {attn}', run('steper-difficulty', attn), span)
            print(f'  baseline: {BASELINE.get(shape, "none recorded")}', flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
