"""A Qwen2-architecture student built from a config with random weights, and a byte-level BPE
tokenizer trained on the project's own text: a model for tests and demos that needs no download.

        python -m steper_trainer.tiny_model --corpus FILE [--corpus FILE ...] --out DIR \
                [--vocab-size N] [--hidden-size N] [--layers N] [--seed N] [--shape qwen2.5-0.5b]
        python -m steper_trainer.tiny_model --tokenizer DIR --out DIR [--shape …]

Corpus files are JSON lines of {"text"} or {"prompt", "target"} (a step-wise dataset works as
is), or plain text. --tokenizer takes an existing tokenizer folder (tokenizer.json, …) instead
of training one: a student's own, or a real Qwen2.5 one where it is on disk. The folder written
is a plain Hugging Face one (config.json, model.safetensors, tokenizer.json,
tokenizer_config.json, generation_config.json), loadable by AutoModelForCausalLM /
AutoTokenizer and servable by `transformers serve`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import torch
from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
from transformers import AutoTokenizer, GenerationConfig, PreTrainedTokenizerBase, Qwen2Config, Qwen2ForCausalLM, Qwen2Tokenizer
from transformers.models.qwen2.tokenization_qwen2 import PRETOKENIZE_REGEX

EOS = '<|endoftext|>'
# ChatML markers as in Qwen, so the chat template below (and `transformers serve`'s chat
# endpoint) works on the tiny model the same way it does on a real Qwen student.
SPECIAL_TOKENS = [EOS, '<|im_start|>', '<|im_end|>']
CHAT_TEMPLATE = (
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\n' + message['content']"
    " + '<|im_end|>' + '\n' }}{% endfor %}{% if add_generation_prompt %}"
    "{{ '<|im_start|>assistant\n' }}{% endif %}"
)

# Real Qwen2.5 shapes (from their published configs), random init: for the GPU benchmark and
# browser tests, where the size matters and the weights do not.
SHAPES: dict[str, dict[str, int | float | bool]] = {
    'qwen2.5-0.5b': dict(
        hidden_size=896, intermediate_size=4864, num_hidden_layers=24, num_attention_heads=14,
        num_key_value_heads=2, vocab_size=151936, tie_word_embeddings=True,
    ),
    'qwen2.5-1.5b': dict(
        hidden_size=1536, intermediate_size=8960, num_hidden_layers=28, num_attention_heads=12,
        num_key_value_heads=2, vocab_size=151936, tie_word_embeddings=True,
    ),
}


class CorpusError(ValueError):
    pass


def read_corpus(path: Path) -> Iterator[str]:
    """Texts of one corpus file: JSON lines when its first non-empty line is a JSON object."""
    if not path.is_file():
        raise CorpusError(f'corpus file not found: {path}')
    lines = path.read_text(encoding='utf-8').splitlines()
    first = next((line for line in lines if line.strip()), '')
    try:
        is_jsonl = isinstance(json.loads(first), dict)
    except json.JSONDecodeError:
        is_jsonl = False
    if not is_jsonl:
        yield from (line for line in lines if line.strip())
        return
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise CorpusError(f'{path}:{number}: not valid JSON ({err.msg}); every line of a JSON-lines corpus must be an object') from err
        if isinstance(row, dict) and isinstance(row.get('text'), str):
            yield row['text']
        elif isinstance(row, dict) and isinstance(row.get('prompt'), str) and isinstance(row.get('target'), str):
            yield row['prompt'] + row['target']
        else:
            raise CorpusError(f'{path}:{number}: expected an object with a string "text", or strings "prompt" and "target"')


def train_tokenizer(texts: list[str], vocab_size: int) -> Qwen2Tokenizer:
    """Byte-level BPE trained with Qwen2's own normaliser and pre-tokeniser, so every loader
    (transformers' Qwen2Tokenizer, which rebuilds that pipeline; transformers.js, which reads
    tokenizer.json as is) splits text the same way, and no byte is ever unknown."""
    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(PRETOKENIZE_REGEX), behavior='isolated', invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False,
    )
    tok.train_from_iterator(texts, trainer=trainer)
    merges = json.loads(tok.to_str())['model']['merges']
    wrapped = Qwen2Tokenizer(
        vocab=tok.get_vocab(), merges=[tuple(m) if isinstance(m, list) else tuple(m.split(' ')) for m in merges],
        eos_token=EOS, pad_token=EOS, unk_token=None, model_max_length=32768,
        additional_special_tokens=SPECIAL_TOKENS[1:],
    )
    wrapped.chat_template = CHAT_TEMPLATE
    return wrapped


def build_model(
    vocab_size: int, hidden_size: int, layers: int, seed: int, shape: str | None, eos_id: int,
    heads: int | None = None, rope_theta: float = 1_000_000.0,
) -> Qwen2ForCausalLM:
    if shape is not None:
        dims = dict(SHAPES[shape])
    else:
        # head_dim 16 by default keeps the tiny model's attention a real multi-head, grouped-query one.
        heads = heads or max(1, hidden_size // 16)
        if hidden_size % heads:
            raise CorpusError(f'--heads {heads} does not divide --hidden-size {hidden_size}')
        dims = dict(
            hidden_size=hidden_size, intermediate_size=4 * hidden_size, num_hidden_layers=layers,
            num_attention_heads=heads, num_key_value_heads=max(1, heads // 2), vocab_size=vocab_size,
            tie_word_embeddings=True,
        )
    config = Qwen2Config(
        **dims, max_position_embeddings=32768, rope_theta=rope_theta, rms_norm_eps=1e-6,
        bos_token_id=eos_id, eos_token_id=eos_id, pad_token_id=eos_id, use_cache=True,
    )
    torch.manual_seed(seed)
    return Qwen2ForCausalLM(config)


def load_tokenizer(folder: Path) -> PreTrainedTokenizerBase:
    """An existing tokenizer folder, from disk only."""
    if not (folder / 'tokenizer.json').is_file():
        raise CorpusError(f'no tokenizer.json in {folder}: --tokenizer takes a folder holding tokenizer.json and tokenizer_config.json')
    tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    if tokenizer.eos_token_id is None:
        raise CorpusError(f'the tokenizer in {folder} names no eos_token: set one in its tokenizer_config.json')
    return tokenizer


def make_tiny_model(
    corpus: list[Path], out: Path, vocab_size: int = 1000, hidden_size: int = 64, layers: int = 2,
    seed: int = 0, shape: str | None = None, tokenizer: Path | None = None, heads: int | None = None,
    rope_theta: float = 1_000_000.0,
) -> Path:
    """`tokenizer`: an existing tokenizer folder, used instead of one trained on `corpus`."""
    if tokenizer is not None:
        if corpus:
            raise CorpusError('give --corpus (to train a tokenizer) or --tokenizer (to reuse one), not both')
        tok = load_tokenizer(tokenizer)
        eos_id = tok.eos_token_id
    else:
        texts = [text for path in corpus for text in read_corpus(path)]
        if not texts:
            raise CorpusError('the corpus is empty: give at least one non-empty --corpus file')
        tok = train_tokenizer(texts, vocab_size)
        eos_id = tok.convert_tokens_to_ids(EOS)
    model_vocab = int(SHAPES[shape]['vocab_size']) if shape else len(tok)
    if len(tok) > model_vocab:
        raise CorpusError(f"the tokenizer has {len(tok)} tokens, more than the {shape} shape's {model_vocab}")
    model = build_model(model_vocab, hidden_size, layers, seed, shape, eos_id, heads, rope_theta)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    tok.save_pretrained(out)
    GenerationConfig(eos_token_id=eos_id, pad_token_id=eos_id, bos_token_id=eos_id).save_pretrained(out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog='python -m steper_trainer.tiny_model', description=__doc__.split('\n\n')[0])
    parser.add_argument('--corpus', type=Path, action='append', default=[], help='text or JSON-lines file (repeatable)')
    parser.add_argument('--tokenizer', type=Path, help='an existing tokenizer folder to use instead of training one on --corpus')
    parser.add_argument('--out', type=Path, required=True, help='folder to write the model and tokenizer to')
    parser.add_argument('--vocab-size', type=int, default=1000, help='BPE vocabulary size to train (default 1000)')
    parser.add_argument('--hidden-size', type=int, default=64)
    parser.add_argument('--layers', type=int, default=2)
    parser.add_argument('--heads', type=int, help='attention heads of the tiny shape (default hidden size / 16)')
    parser.add_argument('--rope-theta', type=float, default=1_000_000.0, help='RoPE base (default 1e6, as Qwen2.5)')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--shape', choices=sorted(SHAPES), help='a real Qwen2.5 shape instead of the tiny one (random init)')
    args = parser.parse_args(argv)
    if not args.corpus and args.tokenizer is None:
        parser.error('give --corpus FILE (to train a tokenizer) or --tokenizer DIR (to reuse one)')
    try:
        out = make_tiny_model(
            args.corpus, args.out, args.vocab_size, args.hidden_size, args.layers, args.seed, args.shape, args.tokenizer,
            args.heads, args.rope_theta,
        )
    except CorpusError as err:
        print(f'error: {err}', file=sys.stderr)
        return 2
    print(f'wrote {out}', file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main())
