"""Export options: only the ONNX variants asked for, and constant folding in place of the
exporter's optimiser: the same model, the same MatMuls quantised, files of other variants gone."""

import shutil

import numpy as np
import onnx
import pytest
import torch
from test_export import OnnxDecoder, prompt_ids, torch_logits
from transformers import AutoModelForCausalLM

from steper_trainer.export import ExportError, _variants_from, export, write_variants

QUANTISED_OPS = ('MatMulInteger', 'DynamicQuantizeLinear')


@pytest.fixture(scope='module')
def reference(tiny_model):
    return AutoModelForCausalLM.from_pretrained(tiny_model, dtype=torch.float32).eval()


@pytest.fixture(scope='module')
def full(tmp_path_factory, tiny_model):
    out = tmp_path_factory.mktemp('full')
    export(tiny_model, out, ['onnx'])
    return out / 'onnx'


@pytest.fixture(scope='module')
def folded(tmp_path_factory, tiny_model, full):
    out = tmp_path_factory.mktemp('folded') / 'student'
    shutil.copytree(full.parent, out)  # over an earlier export of all three
    written = export(tiny_model, out, ['onnx'], variants=['fp32', 'int8'], optimize='fold')
    assert [p.name for p in written] == ['model.onnx', 'model_quantized.onnx']
    return out / 'onnx'


def op_counts(path, ops):
    nodes = onnx.load(str(path)).graph.node
    return {op: sum(n.op_type == op for n in nodes) for op in ops}


def test_only_the_variants_asked_for_are_written_and_an_earlier_exports_others_go(folded):
    assert sorted(p.name for p in folded.iterdir()) == ['model.onnx', 'model_quantized.onnx']
    assert (folded.parent / 'config.json').is_file() and (folded.parent / 'tokenizer.json').is_file()


def test_folded_fp32_matches_pytorch_without_and_with_past(folded, reference, tiny_model):
    ids = prompt_ids(tiny_model)
    n = ids.shape[1]
    decoder = OnnxDecoder(folded / 'model.onnx', reference.config)
    mask, positions = np.ones_like(ids), np.arange(n)[None]
    full_logits = torch_logits(reference, ids, mask, positions)
    got, _ = decoder(ids, mask, positions)
    assert np.abs(got - full_logits).max() < 1e-4
    k = n - 3
    _, present = decoder(ids[:, :k], mask[:, :k], positions[:, :k])
    with_past, _ = decoder(ids[:, k:], mask, positions[:, k:], present)
    assert np.abs(with_past - full_logits[:, k:]).max() < 1e-4


def test_folding_keeps_weights_as_initialisers_so_int8_quantises_the_same_matmuls(folded, full, reference, tiny_model):
    # Without folding, every weight reaches its MatMul through a Transpose and nothing is quantised.
    assert op_counts(folded / 'model_quantized.onnx', QUANTISED_OPS) == op_counts(full / 'model_quantized.onnx', QUANTISED_OPS)
    assert op_counts(folded / 'model_quantized.onnx', QUANTISED_OPS)['MatMulInteger'] > 0
    assert (folded / 'model_quantized.onnx').stat().st_size < (folded / 'model.onnx').stat().st_size
    ids = prompt_ids(tiny_model)
    mask, positions = np.ones_like(ids), np.arange(ids.shape[1])[None]
    want = torch_logits(reference, ids, mask, positions)
    got, _ = OnnxDecoder(folded / 'model_quantized.onnx', reference.config)(ids, mask, positions)
    assert np.abs(got - want).max() < 0.1
    assert (got.argmax(-1) == want.argmax(-1)).mean() >= 0.9


def test_int8_alone_drops_its_fp32_source(folded, tmp_path, tiny_model, reference):
    fp32 = tmp_path / 'model.onnx'
    shutil.copy(folded / 'model.onnx', fp32)
    assert [p.name for p in _variants_from(fp32, external=False, variants=('int8',))] == ['model_quantized.onnx']
    assert [p.name for p in tmp_path.iterdir()] == ['model_quantized.onnx']
    ids = prompt_ids(tiny_model)
    mask, positions = np.ones_like(ids), np.arange(ids.shape[1])[None]
    got, _ = OnnxDecoder(tmp_path / 'model_quantized.onnx', reference.config)(ids, mask, positions)
    assert np.abs(got - torch_logits(reference, ids, mask, positions)).max() < 0.1


def test_int8_skips_onnxruntimes_second_shape_inference_and_is_byte_for_byte_the_same(full, tmp_path, monkeypatch):
    from onnxruntime.quantization import QuantType, onnx_quantizer, quantize_dynamic

    calls = []
    original = onnx_quantizer.save_and_reload_model_with_shape_infer
    counting = lambda model: calls.append(1) or original(model)
    monkeypatch.setattr(onnx_quantizer, 'save_and_reload_model_with_shape_infer', counting)
    fp32 = tmp_path / 'model.onnx'
    fp32.write_bytes((full / 'model.onnx').read_bytes())
    assert [p.name for p in write_variants(fp32, external=False, variants=('int8',))] == ['model_quantized.onnx']
    assert calls == [] and onnx_quantizer.save_and_reload_model_with_shape_infer is counting
    plain = tmp_path / 'plain.onnx'
    quantize_dynamic(fp32, plain, weight_type=QuantType.QInt8)  # onnxruntime as it is: both passes
    assert calls == [1]
    assert plain.read_bytes() == (tmp_path / 'model_quantized.onnx').read_bytes()


@pytest.mark.parametrize(
    ('kwargs', 'message'),
    [
        (dict(variants=['bf16']), r"unknown ONNX variant\(s\) \['bf16'\]: choose from fp32, fp16, int8"),
        (dict(variants=[]), r'unknown ONNX variant\(s\) \[\]: choose from'),
        (dict(optimize='fast'), r"unknown optimize mode 'fast': choose from full, fold"),
    ],
)
def test_bad_options_are_named_before_any_work(tmp_path, tiny_model, kwargs, message):
    with pytest.raises(ExportError, match=message):
        export(tiny_model, tmp_path / 'x', ['onnx'], **kwargs)
    assert not (tmp_path / 'x').exists()


def test_q4_quantises_every_weight_matmul_to_4_bits(folded, tmp_path, tiny_model, reference):
    fp32 = tmp_path / 'model.onnx'
    shutil.copy(folded / 'model.onnx', fp32)
    assert [p.name for p in _variants_from(fp32, external=False, variants=('q4',))] == ['model_q4.onnx']
    q4 = tmp_path / 'model_q4.onnx'
    graph = onnx.load(str(q4)).graph
    weights = {i.name for i in graph.initializer}
    assert op_counts(q4, ('MatMulNBits',))['MatMulNBits'] > 0
    assert not any(n.op_type == 'MatMul' and n.input[1] in weights for n in graph.node)
    ids = prompt_ids(tiny_model)
    mask, positions = np.ones_like(ids), np.arange(ids.shape[1])[None]
    want = torch_logits(reference, ids, mask, positions)
    got, _ = OnnxDecoder(q4, reference.config)(ids, mask, positions)
    assert np.isfinite(got).all()
    # Measured: 0.06 at most, every top token kept.
    assert np.abs(got - want).max() < 0.2
    assert (got.argmax(-1) == want.argmax(-1)).mean() >= 0.9
