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

The amp models (AMP_MODELS: streaming layer stacks of one input feature and one output value, RnnGen's
[RnnModel(inputSize: 1, Input = InputKind.Dense, Head = HeadKind.Linear)] with [Dense]/[Recurrent] layers) are
stepped one sample at a time. Their tensors have RnnGen's layer-stack names (layers.{i}.weight, layers.{i}.bias,
layers.{i}.weight_ih_l{k}, ...; PyTorch's nn.Linear / nn.LSTM(num_layers) / nn.GRU names under layers.{i}), drawn as
PyTorch initializes each module: recurrent layers uniform in +-1/sqrt(hidden), dense layers in +-1/sqrt(fan-in).
The ONNX graph takes x [1, 1, 1] and, for every recurrent layer k counted across the stack (num_layers = 4 gives
k = 0..3), h0_k [1, 1, H] (and c0_k for LSTM); it returns y [1, 1, 1] and h_k (and c_k). Each nn.Linear is a MatMul
with the transposed weight and an Add (as torch.onnx.export writes a Linear on a 3-D input), tanh a Tanh; each
recurrent layer is one ONNX LSTM/GRU op whose Y_h [1, 1, H] is the next layer's input [seq 1, batch 1, H].
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

# The amp models, by RnnGen class name (benchmarks/RnnGen.Benchmarks.Peers/AmpModels.cs). Each layer is
# ("dense", fan_in, width, activation or None) or ("recurrent", cell, input, hidden, num_layers).
AMP_MODELS = {
    "AmpLstm40": [("recurrent", "Lstm", 1, 40, 1), ("dense", 40, 1, None)],
    "AmpLstm12": [("recurrent", "Lstm", 1, 12, 1), ("dense", 12, 1, None)],
    "AmpGru64": [("recurrent", "Gru", 1, 64, 1), ("dense", 64, 1, None)],
    "AmpDenseLstm8": [("dense", 1, 8, "Tanh"), ("recurrent", "Lstm", 8, 8, 1), ("dense", 8, 1, None)],
    "AmpLstm8x4": [("recurrent", "Lstm", 1, 8, 4), ("dense", 8, 1, None)],
}
AMP_SEED = 20260201  # the amp models' seeds follow this one, so the other models' weights stay as they were

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


def recurrent_node(cell, weights, hidden, x, h0, c0, outputs, prefix=""):
    """The ONNX RNN/LSTM/GRU node and its initializers (W [1, G*H, I], R [1, G*H, H], B [1, 2*G*H]), named with prefix."""
    w = dict(weights)
    initializers = [
        numpy_helper.from_array(reorder(cell, w["weight_ih_l0"], hidden)[None], prefix + "W"),
        numpy_helper.from_array(reorder(cell, w["weight_hh_l0"], hidden)[None], prefix + "R"),
        numpy_helper.from_array(np.concatenate([reorder(cell, w["bias_ih_l0"], hidden),
                                                reorder(cell, w["bias_hh_l0"], hidden)])[None], prefix + "B"),
    ]
    inputs = [x, prefix + "W", prefix + "R", prefix + "B", "", h0 or ""]
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
    return helper.make_node(op, inputs, outputs, name=prefix + op.lower(), **attributes), initializers


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


def draw_amp_weights(layers, seed):
    """RnnGen's layer-stack tensors of an amp model, in its Parameters order, drawn as PyTorch initializes each module."""
    rng = np.random.default_rng(seed)
    weights = []
    for i, layer in enumerate(layers):
        if layer[0] == "dense":
            _, fan_in, width, _ = layer
            bound = 1.0 / np.sqrt(fan_in)  # nn.Linear(fan_in, width)
            shapes = [(f"layers.{i}.weight", [width, fan_in]), (f"layers.{i}.bias", [width])]
        else:
            _, cell, input_size, hidden, num_layers = layer
            rows = CELLS[cell] * hidden
            bound = 1.0 / np.sqrt(hidden)  # nn.LSTM/GRU(input_size, hidden, num_layers)
            shapes = []
            for k in range(num_layers):
                shapes += [(f"layers.{i}.weight_ih_l{k}", [rows, input_size if k == 0 else hidden]),
                           (f"layers.{i}.weight_hh_l{k}", [rows, hidden]),
                           (f"layers.{i}.bias_ih_l{k}", [rows]),
                           (f"layers.{i}.bias_hh_l{k}", [rows])]
        weights += [(name, rng.uniform(-bound, bound, size=shape).astype(np.float32)) for name, shape in shapes]
    return weights


def amp_model(name, layers, weights):
    """One sample, batch 1: (x [1, 1, 1], h0_k[, c0_k] for every recurrent layer k) -> (y [1, 1, 1], h_k[, c_k])."""
    assert layers[-1][0] == "dense" and layers[-1][2] == 1, "an amp model ends with a dense layer of one output"
    w = dict(weights)
    nodes, initializers, inputs, outputs, state_outputs = [], [], [], [], []
    inputs.append(helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 1]))
    current = "x"
    k = 0  # recurrent layers across the stack, as RnnGen's state counts them
    for i, layer in enumerate(layers):
        last = i == len(layers) - 1
        if layer[0] == "dense":
            _, _, width, activation = layer
            p = f"layers_{i}_"
            initializers += [numpy_helper.from_array(np.ascontiguousarray(w[f"layers.{i}.weight"].T), p + "weight_t"),
                             numpy_helper.from_array(w[f"layers.{i}.bias"], p + "bias")]
            total = "y" if last and activation is None else p + "sum"
            nodes += [helper.make_node("MatMul", [current, p + "weight_t"], [p + "product"], name=p + "matmul"),
                      helper.make_node("Add", [p + "product", p + "bias"], [total], name=p + "add")]
            current = total
            if activation is not None:
                result = "y" if last else p + "output"
                nodes.append(helper.make_node(activation, [total], [result], name=p + activation.lower()))
                current = result
        else:
            _, cell, _, hidden, num_layers = layer
            lstm = cell == "Lstm"
            for l in range(num_layers):
                tensors = [(f"{kind}_l0", w[f"layers.{i}.{kind}_l{l}"])
                           for kind in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
                state = [1, 1, hidden]
                inputs.append(helper.make_tensor_value_info(f"h0_{k}", TensorProto.FLOAT, state))
                if lstm:
                    inputs.append(helper.make_tensor_value_info(f"c0_{k}", TensorProto.FLOAT, state))
                node_outputs = ["", f"h_{k}"] + ([f"c_{k}"] if lstm else [])
                node, node_initializers = recurrent_node(cell, tensors, hidden, current, f"h0_{k}",
                                                         f"c0_{k}" if lstm else None, node_outputs,
                                                         prefix=f"layers_{i}_l{l}_")
                nodes.append(node)
                initializers += node_initializers
                state_outputs.append(helper.make_tensor_value_info(f"h_{k}", TensorProto.FLOAT, state))
                if lstm:
                    state_outputs.append(helper.make_tensor_value_info(f"c_{k}", TensorProto.FLOAT, state))
                current = f"h_{k}"  # Y_h [1, 1, H] is the next layer's input [seq 1, batch 1, H]
                k += 1
    outputs.append(helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1, 1]))
    return helper.make_graph(nodes, f"{name}_step", inputs, outputs + state_outputs, initializers)


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
    seed = AMP_SEED
    for name, layers in AMP_MODELS.items():
        seed += 1
        weights = draw_amp_weights(layers, seed)
        save(directory, name, amp_model(name, layers, weights), weights, manifest,
             layers=[list(layer) for layer in layers], input=1, output=1, seed=seed, kind="amp")
    with open(os.path.join(directory, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump({"opset": OPSET, "onnx": onnx.__version__, "models": manifest}, f, indent=1)
    total = sum(os.path.getsize(os.path.join(directory, n)) for n in os.listdir(directory))
    print(f"wrote {len(manifest)} models (.onnx + .bin) and manifest.json to {directory}, {total / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
