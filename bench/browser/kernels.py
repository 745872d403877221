"""One-token MatMuls of SmolLM2-135M's shapes as ONNX graphs, for bench/browser/kernels.ts.

    python bench/browser/kernels.py OUT_DIR

Each graph is `copies` MatMuls of one [1, 1, K] input by different random [K, N] float32 weights,
summed (so that no MatMul is dead code and one run is long enough to time).
"""

import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# name: (K, N, copies): the decoder's projections at hidden 576, key-value width 192 (3 heads of
# 64), MLP width 1536, and the tied 49,152-token head.
SHAPES = {
    'q_o_576x576': (576, 576, 60),
    'k_v_576x192': (576, 192, 60),
    'gate_up_576x1536': (576, 1536, 60),
    'down_1536x576': (1536, 576, 30),
    'head_576x49152': (576, 49152, 1),
}


def write(out: Path, name: str, k: int, n: int, copies: int) -> None:
    rng = np.random.default_rng(0)
    weights = [numpy_helper.from_array((rng.standard_normal((k, n)) * 0.02).astype(np.float32), f'w{i}') for i in range(copies)]
    nodes = [helper.make_node('MatMul', ['x', f'w{i}'], [f'y{i}']) for i in range(copies)]
    nodes.append(helper.make_node('Sum', [f'y{i}' for i in range(copies)], ['y']))
    graph = helper.make_graph(
        nodes,
        name,
        [helper.make_tensor_value_info('x', TensorProto.FLOAT, [1, 1, k])],
        [helper.make_tensor_value_info('y', TensorProto.FLOAT, [1, 1, n])],
        weights,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 17)])
    model.ir_version = 8
    onnx.save(model, str(out / f'{name}.onnx'))


if __name__ == '__main__':
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for name, (k, n, copies) in SHAPES.items():
        write(out, name, k, n, copies)
    print(' '.join(f'{name}:{k}:{n}:{copies}' for name, (k, n, copies) in SHAPES.items()))
