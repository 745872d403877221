"""The tiny student and its tokenizer: built from text, no download, loadable as any HF model."""

import json

import pytest
import torch
from tokenizers import Tokenizer
from transformers import AutoModelForCausalLM, AutoTokenizer, Qwen2Config, Qwen2ForCausalLM

from steper_trainer.tiny_model import SHAPES, CorpusError, main, read_corpus


def test_cli_writes_a_hugging_face_folder(tmp_path, dataset):
    text = tmp_path / 'notes.txt'
    text.write_text('Plain text lines work too.\nÜmlauts and emoji 🙂 are bytes like any other.\n')
    plain = tmp_path / 'plain.jsonl'
    plain.write_text(json.dumps({'text': 'a {text} row'}) + '\n')
    out = tmp_path / 'student'
    code = main(['--corpus', str(dataset), '--corpus', str(text), '--corpus', str(plain), '--out', str(out),
                 '--vocab-size', '500', '--hidden-size', '32', '--layers', '1', '--seed', '3'])
    assert code == 0
    for name in ('config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json'):
        assert (out / name).is_file(), name
    model = AutoModelForCausalLM.from_pretrained(out)
    tokenizer = AutoTokenizer.from_pretrained(out)
    assert model.config.model_type == 'qwen2' and model.config.hidden_size == 32 and model.config.num_hidden_layers == 1
    assert model.config.vocab_size == len(tokenizer) <= 500
    assert tokenizer.eos_token_id == model.config.eos_token_id == model.generation_config.eos_token_id
    sample = ' Mara Voss was born in Quessa. 🙂 Ümlaut\n'
    ids = tokenizer(sample)['input_ids']
    assert tokenizer.decode(ids) == sample  # byte level: nothing is unknown
    # transformers (which rebuilds Qwen2's pipeline) and tokenizer.json as is (transformers.js) agree
    assert Tokenizer.from_file(str(out / 'tokenizer.json')).encode(sample).ids == ids
    assert '<|im_start|>assistant' in tokenizer.apply_chat_template([{'role': 'user', 'content': 'hi'}], tokenize=False, add_generation_prompt=True)


def test_same_seed_same_weights(tmp_path, dataset):
    for name in ('a', 'b'):
        assert main(['--corpus', str(dataset), '--out', str(tmp_path / name), '--hidden-size', '32', '--layers', '1']) == 0
    a = AutoModelForCausalLM.from_pretrained(tmp_path / 'a').state_dict()
    b = AutoModelForCausalLM.from_pretrained(tmp_path / 'b').state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)


@pytest.mark.parametrize(('shape', 'millions'), [('qwen2.5-0.5b', 494), ('qwen2.5-1.5b', 1544)])
def test_real_shapes(shape, millions):
    config = Qwen2Config(**SHAPES[shape])
    with torch.device('meta'):  # the shape without the memory
        model = Qwen2ForCausalLM(config)
    assert round(sum(p.numel() for p in model.parameters()) / 1e6) == millions


def test_bad_corpus_is_named(tmp_path, capsys):
    bad = tmp_path / 'bad.jsonl'
    bad.write_text('{"text": "fine"}\n{"title": "no text"}\n')
    with pytest.raises(CorpusError, match=r'bad.jsonl:2: expected an object with a string "text"'):
        list(read_corpus(bad))
    assert main(['--corpus', str(tmp_path / 'missing.txt'), '--out', str(tmp_path / 'x')]) == 2
    assert 'corpus file not found' in capsys.readouterr().err
    assert not (tmp_path / 'x').exists()


def test_heads_and_rope_base_are_chosen(tmp_path, dataset, capsys):
    out = tmp_path / 'wide-heads'
    assert main(['--corpus', str(dataset), '--out', str(out), '--hidden-size', '64', '--layers', '1',
                 '--heads', '2', '--rope-theta', '10000']) == 0
    config = AutoModelForCausalLM.from_pretrained(out).config
    assert (config.num_attention_heads, config.num_key_value_heads) == (2, 1)
    assert config.rope_parameters['rope_theta'] == 10000
    assert main(['--corpus', str(dataset), '--out', str(tmp_path / 'bad'), '--hidden-size', '64', '--heads', '3']) == 2
    assert '--heads 3 does not divide --hidden-size 64' in capsys.readouterr().err
