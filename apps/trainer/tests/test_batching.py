"""Packing and batches: loss only on target tokens, no attention across packed examples, whole
questions per micro-batch — checked against the plain Hugging Face model, example by example."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from transformers import AutoModelForCausalLM, AutoTokenizer

import steper_trainer.attention  # noqa: F401  (registers sdpa_packed)
from steper_trainer.batching import TokenizedExample, build_micro_batch, deal, epoch_batches, pack_rows, tokenize_examples
from steper_trainer.data import parse_example
from steper_trainer.loss import StepERObjective
from steper_trainer.model import Student

from conftest import make_question


def examples(n_questions=3):
    return [parse_example(r, 'row') for q in range(n_questions) for r in make_question(q, n_exp=q % 3)]


@pytest.fixture(scope='module')
def tokenizer(tiny_model):
    return AutoTokenizer.from_pretrained(tiny_model)


@pytest.fixture(scope='module')
def lm(tiny_model):
    torch.manual_seed(0)
    return AutoModelForCausalLM.from_pretrained(tiny_model, dtype=torch.float32).eval()


def test_prompt_and_target_tokens(tokenizer):
    ex = examples(1)[1]  # q0 has no exp: [init, agg]; take agg
    [tok] = tokenize_examples([ex], tokenizer, 4096, mask_known_prefix=False, append_eos=True)
    prompt = tokenizer(ex.prompt, add_special_tokens=False)['input_ids']
    assert tok.loss_start == len(prompt)
    assert list(tok.ids[: len(prompt)]) == prompt
    assert tok.ids[-1] == tokenizer.eos_token_id
    assert tokenizer.decode(tok.ids[tok.loss_start : -1]) == ex.target
    [masked] = tokenize_examples([ex], tokenizer, 4096, mask_known_prefix=True, append_eos=True)
    assert np.array_equal(masked.ids, tok.ids)  # masking changes which tokens count, never the tokens
    assert tokenizer.decode(masked.ids[masked.loss_start : -1]) == ex.target[len(ex.known_prefix) :]


def test_eos_ends_only_the_chain_unless_asked(tokenizer):
    init, agg = examples(1)  # q0: [init, agg]
    assert init.stage == 'init' and agg.stage == 'agg'
    plain = tokenize_examples([init, agg], tokenizer, 4096, mask_known_prefix=False, append_eos=True)
    # R_≤1 goes on in the exp examples of longer chains: no EOS to contradict them
    assert plain[0].ids[-1] != tokenizer.eos_token_id and tokenizer.decode(plain[0].ids[plain[0].loss_start :]) == init.target
    assert plain[1].ids[-1] == tokenizer.eos_token_id
    every = tokenize_examples([init, agg], tokenizer, 4096, False, True, eos_on_open_steps=True)
    assert [t.ids[-1] for t in every] == [tokenizer.eos_token_id] * 2
    assert all(t.ids[-1] != tokenizer.eos_token_id for t in tokenize_examples([init, agg], tokenizer, 4096, False, False))


def test_long_examples_lose_the_start_of_their_prompt(tokenizer):
    ex = examples(1)[1]
    full = tokenize_examples([ex], tokenizer, 4096, False, True)[0]
    cut = tokenize_examples([ex], tokenizer, 40, False, True)[0]
    assert len(cut.ids) == 40 and np.array_equal(cut.ids, full.ids[-40:])
    assert np.array_equal(cut.ids[cut.loss_start :], full.ids[full.loss_start :])


def test_packing_resets_positions_and_labels_only_targets():
    exs = [TokenizedExample(ids=(1, 2, 3, 4, 5), loss_start=3, stage=0), TokenizedExample(ids=(6, 7, 8), loss_start=1, stage=2)]
    mb = build_micro_batch(exs, pad_id=0, max_seq_len=10, packing=True)
    assert mb.input_ids.tolist() == [[1, 2, 3, 4, 5, 6, 7, 8]]
    assert mb.position_ids.tolist() == [[0, 1, 2, 3, 4, 0, 1, 2]]
    # positions 2,3 predict 4,5 (example 0); positions 5,6 predict 7,8 (example 1)
    assert mb.pred_index.tolist() == [2, 3, 5, 6]
    assert mb.pred_label.tolist() == [4, 5, 7, 8]
    assert mb.pred_example.tolist() == [0, 0, 1, 1]
    split = build_micro_batch(exs, pad_id=0, max_seq_len=6, packing=True)
    assert split.input_ids.tolist() == [[1, 2, 3, 4, 5], [6, 7, 8, 0, 0]]
    assert split.position_ids.tolist() == [[0, 1, 2, 3, 4], [0, 1, 2, 0, 1]]  # padding is a sequence of its own
    assert split.pred_label.tolist() == [4, 5, 7, 8] and split.pred_index.tolist() == [2, 3, 5, 6]  # row 1 starts at 5


def test_first_fit_decreasing():
    assert pack_rows([5, 3, 4, 2, 6], 8) == [[4, 3], [0, 1], [2]]


def test_batches_are_whole_questions_dealt_to_processes():
    batches = epoch_batches(10, 4, seed=3, epoch=0)
    assert [len(b) for b in batches] == [4, 4, 2] and sorted(sum(batches, [])) == list(range(10))
    assert batches == epoch_batches(10, 4, seed=3, epoch=0) != epoch_batches(10, 4, seed=3, epoch=1)
    assert deal([5, 1, 7, 2, 9], world_size=2, rank=0, grad_accum=2) == [[5, 9], [7]]
    assert deal([5, 1, 7, 2, 9], world_size=2, rank=1, grad_accum=2) == [[1], [2]]
    assert deal([5], world_size=2, rank=1, grad_accum=1) == [[]]  # an empty slot still runs


def reference_example_losses(lm, tokenized):
    """Each example alone through the plain HF model: token-mean CE over its target tokens."""
    out = []
    for e in tokenized:
        ids = torch.as_tensor(e.ids, dtype=torch.long)
        logits = lm(input_ids=ids[None]).logits[0]
        out.append(F.cross_entropy(logits[e.loss_start - 1 : -1], ids[e.loss_start :]).item())
    return out


@pytest.mark.parametrize('packing', [True, False])
@pytest.mark.parametrize('attn', ['sdpa', 'sdpa_packed'])
def test_student_loss_matches_each_example_run_alone(lm, tokenizer, tiny_model, packing, attn):
    exs = examples(3)
    tokenized = tokenize_examples(exs, tokenizer, 4096, mask_known_prefix=False, append_eos=True)
    ref = reference_example_losses(lm, tokenized)
    trained = AutoModelForCausalLM.from_pretrained(tiny_model, dtype=torch.float32, attn_implementation=attn).eval()
    student = Student(trained, StepERObjective('steper-uniform'))
    mb = build_micro_batch(tokenized, tokenizer.pad_token_id, 4096, packing=packing)
    if packing:
        assert mb.input_ids.shape[0] == 1  # everything in one row: attention would cross examples if unmasked
    with torch.no_grad():
        _, sums = student(mb, torch.ones(3), regularise=False)
    stages = [e.stage for e in tokenized]
    hand = [sum(loss for loss, s in zip(ref, stages) if s == j) for j in range(3)]
    assert torch.allclose(sums, torch.tensor(hand), atol=1e-4)


def test_prefix_masking_drops_the_known_prefix_from_the_loss(lm, tokenizer):
    exs = [e for e in examples(3) if e.known_prefix]
    tokenized = tokenize_examples(exs, tokenizer, 4096, mask_known_prefix=True, append_eos=True)
    ref = reference_example_losses(lm, tokenized)
    student = Student(lm, StepERObjective('steper-uniform'))
    with torch.no_grad():
        _, sums = student(build_micro_batch(tokenized, tokenizer.pad_token_id, 4096, True), torch.ones(3), False)
    assert torch.allclose(sums.sum(), torch.tensor(sum(ref)), atol=1e-4)
    unmasked = tokenize_examples(exs, tokenizer, 4096, mask_known_prefix=False, append_eos=True)
    assert sum(len(e.ids) - e.loss_start for e in tokenized) < sum(len(e.ids) - e.loss_start for e in unmasked)


def test_rows_round_up_to_a_multiple():
    exs = [TokenizedExample(ids=(1, 2, 3, 4, 5), loss_start=3, stage=0)]
    mb = build_micro_batch(exs, pad_id=0, max_seq_len=10, packing=True, pad_multiple=8)
    assert mb.input_ids.tolist() == [[1, 2, 3, 4, 5, 0, 0, 0]] and mb.position_ids.tolist() == [[0, 1, 2, 3, 4, 0, 1, 2]]
    assert mb.n_tokens == 5 and mb.pred_label.tolist() == [4, 5]
