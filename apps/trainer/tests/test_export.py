"""Export: onnxruntime's logits match PyTorch's (with and without past KV), greedy decoding with
the KV cache matches transformers' generate, and the HF folder (LoRA merged) is the same model."""

import json
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from steper_trainer.__main__ import main
from steper_trainer.export import ExportError, export, find_model_folder, kv_shape, onnx_names, save_graph, write_variants

from conftest import base_config
from test_train import run

PROMPT = 'Wikipedia Title: Mara Voss\nMara Voss was born in Quessa.\n\nQ: Where was Mara Voss born?\nA:'


@pytest.fixture(scope='module')
def exported(tmp_path_factory, tiny_model):
    out = tmp_path_factory.mktemp('export') / 'student'
    assert main(['export', '--checkpoint', str(tiny_model), '--out', str(out), '--formats', 'onnx,hf']) == 0
    return out


@pytest.fixture(scope='module')
def reference(tiny_model):
    return AutoModelForCausalLM.from_pretrained(tiny_model, dtype=torch.float32).eval()


class OnnxDecoder:
    def __init__(self, path: Path, config):
        self.session = ort.InferenceSession(str(path), providers=['CPUExecutionProvider'])
        self.layers = config.num_hidden_layers
        self.kv_heads, self.head_dim = kv_shape(config)

    def __call__(self, ids, mask, positions, past=None):
        batch = ids.shape[0]
        if past is None:
            past = [np.zeros((batch, self.kv_heads, 0, self.head_dim), np.float32)] * (2 * self.layers)
        names, _ = onnx_names(self.layers)
        feeds = dict(zip(names, [ids, mask, positions, *past]))
        logits, *present = self.session.run(None, feeds)
        return logits, present


def greedy_with_cache(decoder: OnnxDecoder, ids: np.ndarray, n: int) -> list[int]:
    """n greedy tokens: the prompt once, then one token a call on the returned past KV."""
    mask, positions = np.ones_like(ids), np.arange(ids.shape[1])[None]
    logits, past = decoder(ids, mask, positions)
    got = []
    for _ in range(n):
        token = int(logits[0, -1].argmax())
        got.append(token)
        mask = np.concatenate([mask, [[1]]], axis=1)
        logits, past = decoder(np.array([[token]]), mask, np.array([[mask.shape[1] - 1]]), past)
    return got


def torch_logits(model, ids, mask, positions):
    with torch.no_grad():
        return model(input_ids=torch.tensor(ids), attention_mask=torch.tensor(mask), position_ids=torch.tensor(positions)).logits.numpy()


def prompt_ids(tiny_model):
    return np.array([AutoTokenizer.from_pretrained(tiny_model)(PROMPT)['input_ids']], dtype=np.int64)


def test_layout_a_browser_runner_loads(exported):
    for name in ('config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors',
                 'onnx/model.onnx', 'onnx/model_fp16.onnx', 'onnx/model_quantized.onnx'):
        assert (exported / name).is_file(), name
    assert 'chat_template' in json.loads((exported / 'tokenizer_config.json').read_text())
    session = ort.InferenceSession(str(exported / 'onnx' / 'model.onnx'))
    names = [i.name for i in session.get_inputs()]
    assert names[:3] == ['input_ids', 'attention_mask', 'position_ids'] and names[3] == 'past_key_values.0.key'
    assert [o.name for o in session.get_outputs()][:2] == ['logits', 'present.0.key']
    assert session.get_inputs()[3].shape[2] == 'past_sequence_length'


def test_fp32_logits_match_pytorch_without_and_with_past(exported, reference, tiny_model):
    ids = prompt_ids(tiny_model)
    n = ids.shape[1]
    decoder = OnnxDecoder(exported / 'onnx' / 'model.onnx', reference.config)
    mask, positions = np.ones_like(ids), np.arange(n)[None]
    full = torch_logits(reference, ids, mask, positions)
    no_past, _ = decoder(ids, mask, positions)
    assert np.abs(no_past - full).max() < 1e-4
    # the prompt minus its last 3 tokens, then those 3 through the KV cache
    k = n - 3
    _, present = decoder(ids[:, :k], mask[:, :k], positions[:, :k])
    with_past, _ = decoder(ids[:, k:], mask, positions[:, k:], present)
    assert np.abs(with_past - full[:, k:]).max() < 1e-4


def test_left_padded_batch_matches_pytorch(exported, reference, tiny_model):
    ids = prompt_ids(tiny_model)
    short = ids[:, 5:]
    pad = np.zeros((1, 5), np.int64)
    batch = np.concatenate([ids, np.concatenate([pad, short], axis=1)])
    mask = np.concatenate([np.ones_like(ids), np.concatenate([pad, np.ones_like(short)], axis=1)])
    positions = np.clip(mask.cumsum(1) - 1, 0, None)
    decoder = OnnxDecoder(exported / 'onnx' / 'model.onnx', reference.config)
    got, _ = decoder(batch, mask, positions)
    want = torch_logits(reference, batch, mask, positions)
    assert np.abs(got[mask == 1] - want[mask == 1]).max() < 1e-4


@pytest.mark.parametrize(('variant', 'max_diff', 'min_top1'), [('model_fp16.onnx', 5e-3, 0.95), ('model_quantized.onnx', 0.1, 0.9)])
def test_fp16_and_int8_stay_close(exported, reference, tiny_model, variant, max_diff, min_top1):
    ids = prompt_ids(tiny_model)
    mask, positions = np.ones_like(ids), np.arange(ids.shape[1])[None]
    full = torch_logits(reference, ids, mask, positions)
    got, _ = OnnxDecoder(exported / 'onnx' / variant, reference.config)(ids, mask, positions)
    assert got.dtype == np.float32  # every variant keeps float32 inputs and outputs
    assert np.abs(got - full).max() < max_diff
    assert (got.argmax(-1) == full.argmax(-1)).mean() >= min_top1


def test_large_models_keep_their_weights_beside_the_graph(exported, reference, tiny_model, tmp_path):
    """The path a 0.5B student takes (over protobuf's 2 GB): same graphs, weights in <name>_data."""
    import onnx_ir as ir

    fp32 = tmp_path / 'model.onnx'
    save_graph(ir.load(str(exported / 'onnx' / 'model.onnx')), fp32, external=True)
    write_variants(fp32, external=True)
    assert (tmp_path / 'model.onnx_data').is_file() and (tmp_path / 'model_fp16.onnx_data').is_file()
    assert fp32.stat().st_size < (tmp_path / 'model.onnx_data').stat().st_size
    assert sorted(p.name for p in tmp_path.iterdir()) == ['model.onnx', 'model.onnx_data', 'model_fp16.onnx', 'model_fp16.onnx_data', 'model_quantized.onnx']
    ids = prompt_ids(tiny_model)
    mask, positions = np.ones_like(ids), np.arange(ids.shape[1])[None]
    full = torch_logits(reference, ids, mask, positions)
    for name, tolerance in (('model.onnx', 1e-4), ('model_fp16.onnx', 5e-3), ('model_quantized.onnx', 0.1)):
        got, _ = OnnxDecoder(tmp_path / name, reference.config)(ids, mask, positions)
        assert np.abs(got - full).max() < tolerance, name


def test_greedy_decoding_with_kv_cache_matches_generate(exported, reference, tiny_model):
    ids = prompt_ids(tiny_model)
    with torch.no_grad():
        want = reference.generate(torch.tensor(ids), max_new_tokens=8, do_sample=False, min_new_tokens=8)[0, ids.shape[1] :].tolist()
    assert greedy_with_cache(OnnxDecoder(exported / 'onnx' / 'model.onnx', reference.config), ids, 8) == want


def test_hf_folder_is_the_same_model(exported, reference, tiny_model):
    loaded = AutoModelForCausalLM.from_pretrained(exported, dtype=torch.float32).eval()
    ids = torch.tensor(prompt_ids(tiny_model))
    with torch.no_grad():
        assert torch.equal(loaded(ids).logits, reference(ids).logits)
    assert AutoTokenizer.from_pretrained(exported)(PROMPT)['input_ids'] == ids[0].tolist()


def test_lora_checkpoint_exports_merged(tmp_path, tiny_model, dataset):
    from peft import PeftModel

    cfg = base_config(tmp_path, dataset, tiny_model, objective='steper-uniform', lora=True, lora_r=4, max_steps=2, lr=5e-2)
    events = run(tmp_path, cfg)
    run_dir = Path(events[0]['runDir'])
    out = export(run_dir, tmp_path / 'merged', ['hf'])[0]  # a run folder: its latest checkpoint
    assert not (out / 'adapter_config.json').exists()
    merged = AutoModelForCausalLM.from_pretrained(out, dtype=torch.float32).eval()
    ckpt = Path(next(e['path'] for e in events if e['event'] == 'checkpoint'))
    assert find_model_folder(ckpt) == find_model_folder(run_dir) == ckpt / 'model'
    base = AutoModelForCausalLM.from_pretrained(tiny_model, dtype=torch.float32)
    adapted = PeftModel.from_pretrained(base, ckpt / 'model').eval()
    ids = torch.tensor(prompt_ids(tiny_model))
    with torch.no_grad():
        assert torch.allclose(merged(ids).logits, adapted(ids).logits, atol=1e-5)
        assert not torch.allclose(merged(ids).logits, AutoModelForCausalLM.from_pretrained(tiny_model)(ids).logits, atol=1e-5)


def test_bad_export_requests(tmp_path, tiny_model):
    with pytest.raises(ExportError, match='unknown export format'):
        export(tiny_model, tmp_path / 'x', ['gguf'])
    with pytest.raises(ExportError, match='neither a model folder'):
        export(tmp_path, tmp_path / 'x', ['hf'])
