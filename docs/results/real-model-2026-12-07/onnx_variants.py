# The real model's ONNX variants against PyTorch: size, top-1 agreement over three prompts, greedy
# tokens with the KV cache (export with the exporter's full optimiser, all four variants).
#   cd apps/trainer && uv run --frozen python ../../docs/results/real-model-2026-12-07/onnx_variants.py SRC OUT
import sys, time, numpy as np, torch
sys.path.insert(0, 'tests')
from test_export import OnnxDecoder, greedy_with_cache, torch_logits
from transformers import AutoModelForCausalLM, AutoTokenizer
from steper_trainer.__main__ import main
src = sys.argv[1]  # the materialised folder (.cache/real-model/smollm2-135m-instruct)
out = sys.argv[2]  # a scratch folder for the export
t = time.time()
assert main(['export', '--checkpoint', src, '--out', out, '--formats', 'onnx', '--variants', 'fp32,fp16,int8,q4']) == 0
print('export s', time.time() - t)
ref = AutoModelForCausalLM.from_pretrained(src, dtype=torch.float32).eval()
tok = AutoTokenizer.from_pretrained(src)
prompts = ['Wikipedia Title: Lyon\nLyon is a city in France.\n\nQ: In which country is Lyon?\nA:',
           'The capital of France is', 'Q: Who wrote Hamlet?\nA: Hamlet was written by']
import os
for v in ['model.onnx', 'model_fp16.onnx', 'model_quantized.onnx', 'model_q4.onnx']:
    size = os.path.getsize(f'{out}/onnx/{v}')
    dec = OnnxDecoder(f'{out}/onnx/{v}', ref.config)
    agree, same = [], []
    for p in prompts:
        ids = np.array([tok(p)['input_ids']], dtype=np.int64)
        mask, pos = np.ones_like(ids), np.arange(ids.shape[1])[None]
        full = torch_logits(ref, ids, mask, pos)
        got, _ = dec(ids, mask, pos)
        agree.append(float((got.argmax(-1) == full.argmax(-1)).mean()))
        with torch.no_grad():
            want = ref.generate(torch.tensor(ids), max_new_tokens=12, do_sample=False, min_new_tokens=12)[0, ids.shape[1]:].tolist()
        g = greedy_with_cache(dec, ids, 12)
        same.append(sum(1 for a, b in zip(g, want) if a == b) if g == want else next(i for i, (a, b) in enumerate(zip(g, want)) if a != b))
    print(v, f'{size/1e6:.1f} MB', 'top1', [round(a, 3) for a in agree], 'greedy tokens equal before first difference (of 12)', same)
