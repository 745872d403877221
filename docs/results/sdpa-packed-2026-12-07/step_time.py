"""Seconds per training step (forward + backward) on 30 batches of the `standard` preset's data,
SDPA with the packed-row mask against sdpa_packed, three times each in turn; losses and gradients compared.
Run: apps/trainer/.venv/bin/python docs/results/sdpa-packed-2026-12-07/step_time.py steper-uniform|vanilla WORKSPACE"""
import glob
import sys
import time

import torch
from steper_trainer.config import TrainConfig
from steper_trainer import train as T
from steper_trainer.batching import TokenizeReport, epoch_batches
from steper_trainer.model import load_tokenizer, load_lm, Student
from steper_trainer.loss import StepERObjective
import steper_trainer.attention  # noqa: F401  (registers sdpa_packed)

objective = sys.argv[1]
WS = sys.argv[2]  # a finished `standard` run's workspace (experiment --out DIR → DIR/workspace)
cfg = TrainConfig(model=glob.glob(f'{WS}/students/warm-*')[0], objective=objective, seed=1, epochs=1, batch_size=8, lr=3e-3,
                  max_seq_len=768, data=glob.glob(f'{WS}/datasets/steps_*/examples.jsonl')[0], out_dir='/tmp/x')
tr, ev = T.load_examples(cfg)
tok = load_tokenizer(cfg)
q = T.tokenized_questions(tr, tok, cfg, TokenizeReport())
batches = epoch_batches(len(q.examples), 8, 1, 0)[:31]
mbs = [q.micro_batch(b, tok.pad_token_id, cfg, 1) for b in batches]
print('rows/step', sum(m.input_ids.shape[0] for m in mbs)/len(mbs), 'tokens/step', sum(m.n_tokens for m in mbs)/len(mbs))
res = {}
for attn in ['sdpa', 'sdpa_packed'] * 3:
    torch.manual_seed(0)
    st = Student(load_lm(cfg, attn), StepERObjective(objective, None))
    scale = torch.ones(3) / 8
    # warmup
    l, _ = st(mbs[0], scale, True); l.backward()
    t = time.perf_counter(); losses = []
    for m in mbs[1:]:
        st.zero_grad()
        l, _ = st(m, scale, True); l.backward(); losses.append(l.item())
    dt = (time.perf_counter() - t) / (len(mbs) - 1)
    g = torch.cat([p.grad.flatten() for p in st.lm.parameters()])
    print(attn, f'{dt:.3f} s/step', sum(losses)/len(losses), g.norm().item())
    res[attn] = (losses, g)
print('max loss diff', max(abs(a-b) for a, b in zip(res['sdpa'][0], res['sdpa_packed'][0])), 'grad rel diff', ((res['sdpa'][1]-res['sdpa_packed'][1]).norm()/res['sdpa'][1].norm()).item())
