"""tiny_model --tokenizer: a random-init model around an existing tokenizer folder, which it
keeps as it is (vocabulary, special tokens, chat template), instead of training one."""

import json

import pytest
from tokenizers import Tokenizer
from transformers import AutoModelForCausalLM, AutoTokenizer

from steper_trainer.tiny_model import main

SAMPLE = ' Mara Voss was born in Quessa. 🙂\n'


def test_reuses_a_tokenizer_folder_as_it_is(tmp_path, tiny_model):
    out = tmp_path / 'student'
    assert main(['--tokenizer', str(tiny_model), '--out', str(out), '--hidden-size', '32', '--layers', '1']) == 0
    source, copy = AutoTokenizer.from_pretrained(tiny_model), AutoTokenizer.from_pretrained(out)
    assert copy(SAMPLE)['input_ids'] == source(SAMPLE)['input_ids']
    assert Tokenizer.from_file(str(out / 'tokenizer.json')).get_vocab() == Tokenizer.from_file(str(tiny_model / 'tokenizer.json')).get_vocab()
    assert copy.chat_template == source.chat_template and copy.all_special_tokens == source.all_special_tokens
    model = AutoModelForCausalLM.from_pretrained(out)
    assert model.config.vocab_size == len(source) and model.config.hidden_size == 32
    assert model.config.eos_token_id == model.generation_config.eos_token_id == source.eos_token_id


def test_tokenizer_and_corpus_are_checked(tmp_path, tiny_model, dataset, capsys):
    assert main(['--tokenizer', str(tmp_path), '--out', str(tmp_path / 'a')]) == 2
    assert f'no tokenizer.json in {tmp_path}' in capsys.readouterr().err
    assert main(['--tokenizer', str(tiny_model), '--corpus', str(dataset), '--out', str(tmp_path / 'b')]) == 2
    assert 'not both' in capsys.readouterr().err
    no_eos = tmp_path / 'no-eos'
    no_eos.mkdir()
    (no_eos / 'tokenizer.json').write_text((tiny_model / 'tokenizer.json').read_text())
    config = json.loads((tiny_model / 'tokenizer_config.json').read_text())
    config.pop('eos_token', None)
    config['tokenizer_class'] = 'PreTrainedTokenizerFast'  # Qwen2Tokenizer would default to <|endoftext|>
    (no_eos / 'tokenizer_config.json').write_text(json.dumps(config))
    assert main(['--tokenizer', str(no_eos), '--out', str(tmp_path / 'c')]) == 2
    assert 'names no eos_token' in capsys.readouterr().err
    assert not any((tmp_path / name).exists() for name in 'abc')


def test_a_corpus_or_a_tokenizer_is_required(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit:
        main(['--out', str(tmp_path / 'x')])
    assert exit.value.code == 2
    assert 'give --corpus FILE (to train a tokenizer) or --tokenizer DIR' in capsys.readouterr().err
