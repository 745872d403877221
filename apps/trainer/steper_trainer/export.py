"""Export a trained student for serving and for the browser.

    <out>/config.json, generation_config.json,     the Hugging Face folder (format "hf"),
         model.safetensors, tokenizer.json, …       servable by vLLM or `transformers serve`
    <out>/onnx/model.onnx                           decoder with KV cache, fp32   (format "onnx")
    <out>/onnx/model_fp16.onnx                      fp16 weights and compute
    <out>/onnx/model_quantized.onnx                 int8 weights (onnxruntime dynamic quantisation)
    <out>/onnx/model_q4.onnx                        4-bit weights (MatMulNBits, blocks of 32; only when asked)

The ONNX layout and names are those of transformers.js / optimum decoder exports, so an
onnxruntime-web runner loads them as it loads theirs: inputs input_ids, attention_mask,
position_ids, past_key_values.{i}.key|value (batch, kv_heads, past_len, head_dim); outputs
logits, present.{i}.key|value. Every variant keeps float32 inputs and outputs (fp16, int8 and 4-bit
only inside), so a runner feeds them the same tensors. A first step passes past tensors of length 0.

The graph comes from torch.onnx.export (the dynamo exporter) of the transformers model itself,
not from hand-built ops.

`variants` writes only some of the three (fp32 is still made, as the others' source, and removed
when not asked for). `optimize='fold'` replaces the exporter's optimiser (constant folding plus
onnxscript's pattern rewrites, whose multi-output matcher grows with the square of the graph: a
minute for 24 layers) by constant folding alone; the graph keeps more nodes, onnxruntime fuses
them when it loads the model, and the weights still end up as initialisers, so int8 quantises
the same MatMuls.
"""

from __future__ import annotations

import gc
import json
import shutil
from contextlib import contextmanager
from pathlib import Path

import torch
from torch import nn

from .checkpoint import latest_checkpoint, read_json

ONNX_FILES = {'fp32': 'model.onnx', 'fp16': 'model_fp16.onnx', 'int8': 'model_quantized.onnx', 'q4': 'model_q4.onnx'}
VARIANTS = tuple(ONNX_FILES)
# What an export writes unless told: 4-bit is for models big enough to need it (a real checkpoint).
DEFAULT_VARIANTS = ('fp32', 'fp16', 'int8')
# 4-bit blocks: 32 weights share a scale and zero point (llama.cpp's Q4_0/Q4_1 use 32 too); 128
# loses more of a small model's top tokens.
Q4_BLOCK = 32
# 'full': torch.onnx.export's own optimiser; 'fold': constant folding only (see the module docstring)
OPTIMIZE = ('full', 'fold')
TOKENIZER_FILES = ('tokenizer.json', 'tokenizer_config.json', 'chat_template.jinja', 'special_tokens_map.json', 'vocab.json', 'merges.txt')
# onnx files over protobuf's 2 GB limit keep their weights beside them (transformers.js naming)
EXTERNAL_DATA_BYTES = 1_800_000_000


class ExportError(ValueError):
    pass


def find_model_folder(source: str | Path) -> Path:
    """A run folder (its best, else latest checkpoint), a checkpoint folder (its model/), or a
    HF model / LoRA adapter folder."""
    source = Path(source)
    if (source / 'checkpoints').is_dir():
        ckpt = latest_checkpoint(source)
        if ckpt is None:
            raise ExportError(f'{source} has no complete checkpoint to export')
        best = read_json(ckpt / 'trainer_state.json').get('best_checkpoint')
        return Path(best if best and Path(best).is_dir() else ckpt) / 'model'
    if (source / 'model').is_dir():
        return source / 'model'
    if (source / 'config.json').is_file() or (source / 'adapter_config.json').is_file():
        return source
    raise ExportError(f'{source} is neither a model folder, a checkpoint folder nor a run folder')


def load_for_export(folder: Path) -> nn.Module:
    from transformers import AutoModelForCausalLM

    if (folder / 'adapter_config.json').is_file():
        from peft import AutoPeftModelForCausalLM

        # LoRA: fold the adapters into the base weights, so every consumer sees a plain model.
        return AutoPeftModelForCausalLM.from_pretrained(folder, dtype=torch.float32).merge_and_unload().eval()
    return AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32).eval()


class DecoderWithPast(nn.Module):
    """The HF model with its KV cache as flat tensors: what an ONNX graph can take and give."""

    def __init__(self, lm: nn.Module):
        super().__init__()
        self.lm = lm
        self.layers = lm.config.num_hidden_layers

    def forward(self, input_ids, attention_mask, position_ids, *past):
        from transformers import DynamicCache

        cache = DynamicCache(ddp_cache_data=[(past[2 * i], past[2 * i + 1]) for i in range(self.layers)], config=self.lm.config)
        out = self.lm(input_ids=input_ids, attention_mask=attention_mask, position_ids=position_ids, past_key_values=cache, use_cache=True)
        present = []
        for layer in out.past_key_values.layers:
            present += [layer.keys, layer.values]
        return (out.logits, *present)


def onnx_names(layers: int) -> tuple[list[str], list[str]]:
    kv = [(i, part) for i in range(layers) for part in ('key', 'value')]
    inputs = ['input_ids', 'attention_mask', 'position_ids'] + [f'past_key_values.{i}.{p}' for i, p in kv]
    outputs = ['logits'] + [f'present.{i}.{p}' for i, p in kv]
    return inputs, outputs


def kv_shape(config) -> tuple[int, int]:
    head_dim = getattr(config, 'head_dim', None) or config.hidden_size // config.num_attention_heads
    return config.num_key_value_heads, head_dim


def _name_dims(model, layers: int) -> None:
    """Readable symbolic dimensions (the exporter writes s0, s1, …)."""
    names = {'input_ids': ('batch_size', 'sequence_length'), 'attention_mask': ('batch_size', 'total_sequence_length'),
             'position_ids': ('batch_size', 'sequence_length'), 'logits': ('batch_size', 'sequence_length', None)}
    for i in range(layers):
        for part in ('key', 'value'):
            names[f'past_key_values.{i}.{part}'] = ('batch_size', None, 'past_sequence_length', None)
            names[f'present.{i}.{part}'] = ('batch_size', None, 'total_sequence_length', None)
    for value in list(model.graph.input) + list(model.graph.output):
        for dim, name in zip(value.type.tensor_type.shape.dim, names.get(value.name, ())):
            if name is not None and dim.HasField('dim_param'):
                dim.dim_param = name


def _save_onnx(model, path: Path, external: bool) -> None:
    """Save a ModelProto; external weights go to <name>_data (transformers.js's naming)."""
    import onnx

    for stale in (path, path.with_name(path.name + '_data')):
        stale.unlink(missing_ok=True)
    if external:
        onnx.save_model(model, str(path), save_as_external_data=True, all_tensors_to_one_file=True, location=path.name + '_data')
    else:
        onnx.save_model(model, str(path))


def save_graph(model_ir, path: Path, external: bool) -> None:
    """Write the exporter's graph, weights beside it when large, dimensions named."""
    import onnx
    import onnx_ir as ir

    ir.save(model_ir, str(path), external_data=path.name + '_data' if external else None)
    proto = onnx.load(str(path), load_external_data=False)  # the graph only: weights stay where they are
    _name_dims(proto, sum(1 for value in proto.graph.input if value.name.startswith('past_key_values.')) // 2)
    onnx.save_model(proto, str(path))


@contextmanager
def _shape_inference_once(fp32: Path):
    """onnxruntime's dynamic quantiser infers shapes twice: on loading the model, then again after
    turning Gemm into MatMul, on a deep copy it writes to a temporary folder and reads back (for a
    0.5B model 2 GB more written and read, and three copies, 7 GB, in memory at once). The
    exporter writes no Gemm, so the second pass would find what the first did: it is skipped,
    and the int8 file is byte for byte the same. A graph with Gemm keeps both passes."""
    import onnx
    from onnxruntime.quantization import onnx_quantizer

    original = getattr(onnx_quantizer, 'save_and_reload_model_with_shape_infer', None)
    if original is None or any(n.op_type == 'Gemm' for n in onnx.load(str(fp32), load_external_data=False).graph.node):
        yield
        return
    onnx_quantizer.save_and_reload_model_with_shape_infer = lambda model: model
    try:
        yield
    finally:
        onnx_quantizer.save_and_reload_model_with_shape_infer = original


def write_variants(fp32: Path, external: bool, variants: tuple[str, ...] = ('fp16', 'int8')) -> list[Path]:
    """fp16 (float32 at the boundary, as transformers.js's own fp16 conversion does) and int8,
    each only when in `variants`."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers.float16 import convert_float_to_float16

    written = []
    if 'fp16' in variants:
        fp16 = fp32.with_name(ONNX_FILES['fp16'])
        _save_onnx(convert_float_to_float16(onnx.load(str(fp32)), keep_io_types=True, disable_shape_infer=True), fp16, external)
        written.append(fp16)
    if 'int8' in variants:
        int8 = fp32.with_name(ONNX_FILES['int8'])
        with _shape_inference_once(fp32):
            quantize_dynamic(fp32, int8, weight_type=QuantType.QInt8, use_external_data_format=external)
        if external:
            # onnxruntime names its weight file differently; a quarter of fp32 may fit in one file anyway
            quantized = onnx.load(str(int8))
            leftovers = [p for p in int8.parent.iterdir() if p.name.startswith(int8.name) and p != int8]
            _save_onnx(quantized, int8, quantized.ByteSize() > EXTERNAL_DATA_BYTES)
            for p in leftovers:
                p.unlink(missing_ok=True)
        written.append(int8)
    if 'q4' in variants:
        written.append(_write_q4(fp32, external))
    return written


def _write_q4(fp32: Path, external: bool) -> Path:
    """4-bit weights in onnxruntime's MatMulNBits (CPU, WebAssembly and WebGPU run it), asymmetric
    blocks of Q4_BLOCK along the input dimension; the embedding Gather and the activations stay
    float32."""
    import onnx
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer

    q4 = fp32.with_name(ONNX_FILES['q4'])
    quantizer = MatMulNBitsQuantizer(onnx.load(str(fp32)), bits=4, block_size=Q4_BLOCK, is_symmetric=False)
    quantizer.process()
    model = quantizer.model.model
    if not any(n.op_type == 'MatMulNBits' for n in model.graph.node):
        raise ExportError('4-bit export: onnxruntime quantised no MatMul of this model (its layers may be too small for blocks of 32)')
    _save_onnx(model, q4, external and model.ByteSize() > EXTERNAL_DATA_BYTES)
    return q4


def export_graph(lm: nn.Module, out: Path, optimize: str = 'full') -> tuple[Path, bool]:
    """The fp32 graph, out/model.onnx, and whether its weights sit beside it."""
    out.mkdir(parents=True, exist_ok=True)
    config = lm.config
    layers = config.num_hidden_layers
    kv_heads, head_dim = kv_shape(config)
    in_names, out_names = onnx_names(layers)
    # Sample shapes above 1 so that no dimension gets specialised; past length 0 works at run time.
    batch, seq, past_len = 2, 3, 4
    sample = (
        torch.ones(batch, seq, dtype=torch.long), torch.ones(batch, past_len + seq, dtype=torch.long),
        torch.arange(past_len, past_len + seq).repeat(batch, 1),
        *[torch.zeros(batch, kv_heads, past_len, head_dim) for _ in range(2 * layers)],
    )
    dyn = torch.export.Dim.DYNAMIC
    pair = {0: dyn, 1: dyn}
    dynamic_shapes = (pair, pair, pair, tuple({0: dyn, 2: dyn} for _ in range(2 * layers)))
    program = torch.onnx.export(
        DecoderWithPast(lm).eval(), sample, input_names=in_names, output_names=out_names,
        dynamic_shapes=dynamic_shapes, dynamo=True, opset_version=18, verbose=False, optimize=optimize == 'full',
    )
    if optimize == 'fold':
        import onnxscript.optimizer

        onnxscript.optimizer.fold_constants(program.model)
        onnxscript.optimizer.remove_unused_nodes(program.model)
    # the tied output projection may be written twice: count the weights with margin
    external = 2 * sum(p.numel() * 4 for p in lm.parameters()) > EXTERNAL_DATA_BYTES
    fp32 = out / ONNX_FILES['fp32']
    save_graph(program.model, fp32, external)
    return fp32, external


def _variants_from(fp32: Path, external: bool, variants: tuple[str, ...]) -> list[Path]:
    written = write_variants(fp32, external, tuple(v for v in variants if v != 'fp32'))
    # fp32 when only made as the source, and an earlier export's files that would not match this model
    for name in set(VARIANTS) - set(variants):
        for path in (fp32.with_name(ONNX_FILES[name]), fp32.with_name(ONNX_FILES[name] + '_data')):
            path.unlink(missing_ok=True)
    return [fp32, *written] if 'fp32' in variants else written


def _copy_tokenizer(folder: Path, out: Path) -> None:
    for name in TOKENIZER_FILES:
        if (folder / name).is_file():
            shutil.copy2(folder / name, out / name)
    # transformers.js reads the chat template from tokenizer_config.json
    template = folder / 'chat_template.jinja'
    config_path = out / 'tokenizer_config.json'
    if template.is_file() and config_path.is_file():
        config = json.loads(config_path.read_text())
        config.setdefault('chat_template', template.read_text())
        config_path.write_text(json.dumps(config, indent=2))


def export(
    source: str | Path, out: str | Path, formats: list[str], variants: list[str] | None = None, optimize: str = 'full',
) -> list[Path]:
    """`variants`: the ONNX variants to write (default fp32, fp16, int8); `optimize`: 'full' or 'fold'."""
    unknown = sorted(set(formats) - {'onnx', 'hf'})
    if unknown or not formats:
        raise ExportError(f'unknown export format(s) {unknown or formats}: choose from onnx, hf')
    variants = list(DEFAULT_VARIANTS) if variants is None else variants
    unknown = sorted(set(variants) - set(VARIANTS))
    if unknown or not variants:
        raise ExportError(f'unknown ONNX variant(s) {unknown or variants}: choose from {", ".join(VARIANTS)}')
    if optimize not in OPTIMIZE:
        raise ExportError(f'unknown optimize mode {optimize!r}: choose from {", ".join(OPTIMIZE)}')
    folder = find_model_folder(source)
    out = Path(out)
    lm = load_for_export(folder)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if 'hf' in formats:
        lm.save_pretrained(out)
        written.append(out)
    else:
        lm.config.save_pretrained(out)
        lm.generation_config.save_pretrained(out)
    _copy_tokenizer(folder if (folder / 'tokenizer.json').is_file() else folder.parent, out)
    if 'onnx' in formats:
        fp32, external = export_graph(lm, out / 'onnx', optimize)
        # The variants read fp32 from disk: the model (2 GB for 0.5B), held in the exporter's
        # reference cycles too, is freed before they start.
        del lm
        gc.collect()
        written += _variants_from(fp32, external, tuple(v for v in VARIANTS if v in variants))
    return written
