"""Fills public/demo/reference.json with each student's greedy tokens for its prompt, computed by
transformers (PyTorch, fp32) from the trained checkpoint: an implementation independent of the
ONNX runners, which the parity tests compare onnxruntime-node and the browser against.

    python scripts/demo-student/reference_tokens.py PUBLIC_DEMO WORK_DIR
"""

import json
import sys
from pathlib import Path

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer


def main(out: Path, work: Path) -> None:
    ref_path = out / 'reference.json'
    ref = json.loads(ref_path.read_text())
    for name in ('vanilla', 'steper'):
        folder = work / 'export' / name
        tok = AutoTokenizer.from_pretrained(out / name)
        model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32).eval()
        ids = tok(ref['prompt'], return_tensors='pt').input_ids
        with torch.no_grad():
            gen = model.generate(ids, max_new_tokens=ref['maxTokens'], do_sample=False, eos_token_id=None,
                                 pad_token_id=tok.eos_token_id)
        new = gen[0, ids.shape[1]:].tolist()
        ref['students'][name] = {'promptIds': ids[0].tolist(), 'generatedIds': new, 'text': tok.decode(new)}
        print(f'{name}: {tok.decode(new)!r}', file=sys.stderr)
    ref_path.write_text(json.dumps(ref, indent=1) + '\n')


if __name__ == '__main__':
    main(Path(sys.argv[1]), Path(sys.argv[2]))
