"""sdpa_packed: each packed example attends only to itself, with SDPA's losses and gradients."""

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from steper_trainer.attention import segment_lengths
from steper_trainer.batching import build_micro_batch, tokenize_examples
from steper_trainer.data import parse_example
from steper_trainer.loss import StepERObjective
from steper_trainer.model import Student

from conftest import make_question


def test_segments_start_where_positions_restart():
    pos = torch.tensor([[0, 1, 2, 0, 1, 0, 0, 1], [3, 4, 0, 1, 2, 3, 4, 5]])
    assert segment_lengths(pos, 0, 8) == [3, 2, 1, 2]
    # a row that does not start at 0 still starts a segment at its first token
    assert segment_lengths(pos, 1, 8) == [2, 6]
    assert segment_lengths(None, 0, 8) == [8]


def test_same_loss_and_gradients_as_sdpa_on_packed_rows(tiny_model):
    tokenizer = AutoTokenizer.from_pretrained(tiny_model)
    exs = [parse_example(r, 'row') for q in range(6) for r in make_question(q, n_exp=q % 3)]
    tokenized = tokenize_examples(exs, tokenizer, 4096, mask_known_prefix=True, append_eos=True)
    # rows of 600 tokens: several examples a row, and padding at the end of the shorter rows
    mb = build_micro_batch(tokenized, tokenizer.pad_token_id, 600, packing=True)
    assert mb.input_ids.shape[0] > 1 and (mb.position_ids == 0).sum() > mb.input_ids.shape[0]
    out = {}
    for attn in ('sdpa', 'sdpa_packed'):
        lm = AutoModelForCausalLM.from_pretrained(tiny_model, dtype=torch.float32, attn_implementation=attn)
        assert lm.config.num_key_value_heads < lm.config.num_attention_heads  # grouped-query attention covered
        student = Student(lm, StepERObjective('steper-uniform'))
        loss, _ = student(mb, torch.ones(3) / 6, regularise=True)
        loss.backward()
        out[attn] = (loss.detach(), [p.grad.clone() for p in lm.parameters()])
    assert torch.allclose(out['sdpa'][0], out['sdpa_packed'][0], atol=1e-5)
    for a, b in zip(out['sdpa'][1], out['sdpa_packed'][1]):
        assert torch.allclose(a, b, atol=1e-5, rtol=1e-4)


def test_cpu_training_picks_it_and_checkpoints_load_without_it(tiny_model, tmp_path):
    from steper_trainer.config import TrainConfig
    from steper_trainer.model import pick_attention

    assert pick_attention(TrainConfig(data='x', out_dir='y', model=str(tiny_model)), 'cpu') == 'sdpa_packed'
    lm = AutoModelForCausalLM.from_pretrained(tiny_model, attn_implementation='sdpa_packed')
    lm.save_pretrained(tmp_path / 'saved')
    # export and evaluation load checkpoints with the default attention: the name is not saved
    assert 'sdpa_packed' not in (tmp_path / 'saved' / 'config.json').read_text()
