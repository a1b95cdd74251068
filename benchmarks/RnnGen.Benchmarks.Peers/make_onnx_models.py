#!/usr/bin/python3
"""Builds the ONNX models and the shared weights of the RnnGen peer benchmarks.

Run with Debian's Python (python3-onnx and python3-numpy), from anywhere:

    /usr/bin/python3 benchmarks/RnnGen.Benchmarks.Peers/make_onnx_models.py

For every model it draws deterministic weights (numpy, one seed per model, PyTorch's default distribution:
uniform in +-1/sqrt(H) for every tensor) and writes, into models/ beside this script:

  NAME.bin    the weights as raw little-endian float32, in PyTorch's state_dict order and layout, which is exactly
              RnnGen's Parameters buffer: weight_ih_l0 [G*H, I], weight_hh_l0 [G*H, H], bias_ih_l0 [G*H],
              bias_hh_l0 [G*H], head.weight [O, H], head.bias [O] (gates: LSTM i,f,g,o; GRU r,z,n).
              The C# benchmark loads it into the RnnGen model's Parameters and into the TorchSharp modules.
  NAME.onnx   the same network for ONNX Runtime, built with onnx.helper: one ONNX RNN/LSTM/GRU op (weights reordered
              to ONNX's gate order: LSTM i,o,f,c; GRU z,r,h with linear_before_reset=1, which is PyTorch's GRU) and
              a Gemm for the linear head.
  manifest.json  what was written: cell, sizes, tensor names and shapes, seeds.

Single-step models (batch 1, one time step, dense input) take x [1, 1, I], h0 [1, 1, H] (and c0 [1, 1, H] for LSTM)
and return logits [1, O], h [1, 1, H] (and c [1, 1, H]), so the caller feeds the state back.
The char model (one-hot 65 -> LSTM 128 -> Linear 65) takes x [T, 1, 65] one-hot rows and returns logits [T, 65],
starting from a zero state.
"""

import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
HEAD = 16  # outputs of the linear head of the single-step models
SHAPES = [(64, 32), (64, 128), (128, 256), (256, 512)]
CELLS = {"Rnn": 1, "Lstm": 4, "Gru": 3}  # gates per cell
CHAR_VOCABULARY, CHAR_HIDDEN, CHAR_STEPS = 65, 128, 25

# ONNX's gate order, as indices of PyTorch's gate blocks.
ONNX_GATE_ORDER = {"Rnn": [0], "Lstm": [0, 3, 1, 2], "Gru": [1, 0, 2]}


def draw_weights(cell, input_size, hidden, outputs, seed):
    """PyTorch's state_dict of nn.<cell>(input_size, hidden) + nn.Linear(hidden, outputs), drawn from a seed."""
    gates = CELLS[cell]
    rng = np.random.default_rng(seed)
    bound = 1.0 / np.sqrt(hidden)  # nn.RNN/LSTM/GRU and nn.Linear(hidden, .) both use this bound
    shapes = [
        ("weight_ih_l0", [gates * hidden, input_size]),
        ("weight_hh_l0", [gates * hidden, hidden]),
        ("bias_ih_l0", [gates * hidden]),
        ("bias_hh_l0", [gates * hidden]),
        ("head.weight", [outputs, hidden]),
        ("head.bias", [outputs]),
    ]
    return [(name, rng.uniform(-bound, bound, size=shape).astype(np.float32)) for name, shape in shapes]


def reorder(cell, tensor, hidden):
    """Rows of a [G*H, ...] or [G*H] PyTorch tensor in ONNX's gate order."""
    blocks = [tensor[g * hidden:(g + 1) * hidden] for g in range(CELLS[cell])]
    return np.concatenate([blocks[g] for g in ONNX_GATE_ORDER[cell]], axis=0)


def recurrent_node(cell, weights, hidden, x, h0, c0, outputs):
    """The ONNX RNN/LSTM/GRU node and its initializers (W [1, G*H, I], R [1, G*H, H], B [1, 2*G*H])."""
    w = dict(weights)
    initializers = [
        numpy_helper.from_array(reorder(cell, w["weight_ih_l0"], hidden)[None], "W"),
        numpy_helper.from_array(reorder(cell, w["weight_hh_l0"], hidden)[None], "R"),
        numpy_helper.from_array(np.concatenate([reorder(cell, w["bias_ih_l0"], hidden),
                                                reorder(cell, w["bias_hh_l0"], hidden)])[None], "B"),
    ]
    inputs = [x, "W", "R", "B", "", h0 or ""]
    attributes = {"hidden_size": hidden}
    if cell == "Lstm":
        inputs.append(c0 or "")
    if cell == "Gru":
        attributes["linear_before_reset"] = 1
    if cell == "Rnn":
        attributes["activations"] = ["Tanh"]
    while inputs and inputs[-1] == "":
        inputs.pop()
    op = {"Rnn": "RNN", "Lstm": "LSTM", "Gru": "GRU"}[cell]
    return helper.make_node(op, inputs, outputs, name=op.lower(), **attributes), initializers


def head_nodes(weights, source, rows, hidden, logits):
    """Reshape the recurrent output to [rows, H], then Gemm with head.weight (transposed) and head.bias."""
    w = dict(weights)
    initializers = [
        numpy_helper.from_array(np.array([rows, hidden], dtype=np.int64), "head_shape"),
        numpy_helper.from_array(w["head.weight"], "head_weight"),
        numpy_helper.from_array(w["head.bias"], "head_bias"),
    ]
    nodes = [
        helper.make_node("Reshape", [source, "head_shape"], ["head_input"], name="flatten"),
        helper.make_node("Gemm", ["head_input", "head_weight", "head_bias"], [logits], name="head", transB=1),
    ]
    return nodes, initializers


def step_model(cell, input_size, hidden, weights):
    """One step, batch 1: (x, h0[, c0]) -> (logits, h[, c])."""
    lstm = cell == "Lstm"
    outputs = ["", "h"] + (["c"] if lstm else [])
    recurrent, inits = recurrent_node(cell, weights, hidden, "x", "h0", "c0" if lstm else None, outputs)
    head, head_inits = head_nodes(weights, "h", 1, hidden, "logits")
    state = [1, 1, hidden]
    graph = helper.make_graph(
        [recurrent] + head,
        f"{cell}{input_size}x{hidden}_step",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, input_size]),
         helper.make_tensor_value_info("h0", TensorProto.FLOAT, state)]
        + ([helper.make_tensor_value_info("c0", TensorProto.FLOAT, state)] if lstm else []),
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, HEAD]),
         helper.make_tensor_value_info("h", TensorProto.FLOAT, state)]
        + ([helper.make_tensor_value_info("c", TensorProto.FLOAT, state)] if lstm else []),
        inits + head_inits)
    return graph


def char_model(weights):
    """One-hot [T, 1, 65] -> LSTM 128 from a zero state -> Linear 65 at every step: logits [T, 65]."""
    recurrent, inits = recurrent_node("Lstm", weights, CHAR_HIDDEN, "x", None, None, ["y"])
    head, head_inits = head_nodes(weights, "y", CHAR_STEPS, CHAR_HIDDEN, "logits")
    return helper.make_graph(
        [recurrent] + head,
        "char_lstm_sequence",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [CHAR_STEPS, 1, CHAR_VOCABULARY])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [CHAR_STEPS, CHAR_VOCABULARY])],
        inits + head_inits)


def save(directory, name, graph, weights, manifest, **info):
    model = helper.make_model(graph, producer_name="RnnGen make_onnx_models.py",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 8  # what onnx 1.12 writes for opset 17; ONNX Runtime reads it
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(directory, name + ".onnx"))
    flat = np.concatenate([t.ravel() for _, t in weights]).astype("<f4")
    flat.tofile(os.path.join(directory, name + ".bin"))
    manifest[name] = dict(info, parameters=int(flat.size),
                          tensors=[{"name": n, "shape": list(t.shape)} for n, t in weights])


def main():
    directory = os.path.join(os.path.dirname(os.path.abspath(__file__)), "models")
    if len(sys.argv) > 1:
        directory = os.path.abspath(sys.argv[1])
    os.makedirs(directory, exist_ok=True)
    manifest = {}
    seed = 20260101
    for cell in CELLS:
        for input_size, hidden in SHAPES:
            seed += 1
            name = f"{cell}{input_size}x{hidden}"
            weights = draw_weights(cell, input_size, hidden, HEAD, seed)
            save(directory, name, step_model(cell, input_size, hidden, weights), weights, manifest,
                 cell=cell, input=input_size, hidden=hidden, output=HEAD, seed=seed, kind="step")
    seed += 1
    weights = draw_weights("Lstm", CHAR_VOCABULARY, CHAR_HIDDEN, CHAR_VOCABULARY, seed)
    save(directory, "CharLstm", char_model(weights), weights, manifest, cell="Lstm", input=CHAR_VOCABULARY,
         hidden=CHAR_HIDDEN, output=CHAR_VOCABULARY, steps=CHAR_STEPS, seed=seed, kind="sequence")
    with open(os.path.join(directory, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump({"opset": OPSET, "onnx": onnx.__version__, "models": manifest}, f, indent=1)
    total = sum(os.path.getsize(os.path.join(directory, n)) for n in os.listdir(directory))
    print(f"wrote {len(manifest)} models (.onnx + .bin) and manifest.json to {directory}, {total / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
