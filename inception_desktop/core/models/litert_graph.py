"""A ``.tflite`` file's main graph as plain data: its operators with their options, and its
constant tensors in float32.

The interpreter lists operators and tensors but not an operator's options (a convolution's
padding and strides, the activation fused into it), which a computation in numpy over the graph
needs: they are read here from the file's flatbuffer with the schema LiteRT ships
(``ai_edge_litert.schema_py_generated``). Used by Grad-CAM on LiteRT
(``core.explain.litert_gradcam``) to follow the head after the explained layer. No TensorFlow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

#: Fused activation codes of the schema (ActivationFunctionType) by name.
ACTIVATIONS = {0: "NONE", 1: "RELU", 2: "RELU_N1_TO_1", 3: "RELU6", 4: "TANH", 5: "SIGN_BIT"}
#: Padding codes (Padding).
PADDINGS = {0: "SAME", 1: "VALID"}


@dataclass(frozen=True)
class Operator:
    """One operator of the main graph: ``name`` (``CONV_2D``), tensor indices (-1: none) and the
    options this module reads (``padding``, ``stride``, ``filter``, ``activation``,
    ``keep_dims``)."""

    index: int
    name: str
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    options: dict[str, Any] = field(default_factory=dict)


def _builtin_names() -> dict[int, str]:
    from ai_edge_litert import schema_py_generated as schema

    return {
        value: name
        for name, value in vars(schema.BuiltinOperator).items()
        if not name.startswith("_") and isinstance(value, int)
    }


def _options(schema: Any, name: str, op: Any) -> dict[str, Any]:
    table = op.BuiltinOptions()
    if table is None:
        return {}
    if name in ("CONV_2D", "DEPTHWISE_CONV_2D"):
        conv = schema.Conv2DOptions() if name == "CONV_2D" else schema.DepthwiseConv2DOptions()
        conv.Init(table.Bytes, table.Pos)
        return {
            "padding": PADDINGS.get(conv.Padding(), "?"),
            "stride": (conv.StrideH(), conv.StrideW()),
            "dilation": (conv.DilationHFactor(), conv.DilationWFactor()),
            "activation": ACTIVATIONS.get(conv.FusedActivationFunction(), "?"),
        }
    if name in ("MAX_POOL_2D", "AVERAGE_POOL_2D"):
        pool = schema.Pool2DOptions()
        pool.Init(table.Bytes, table.Pos)
        return {
            "padding": PADDINGS.get(pool.Padding(), "?"),
            "stride": (pool.StrideH(), pool.StrideW()),
            "filter": (pool.FilterHeight(), pool.FilterWidth()),
            "activation": ACTIVATIONS.get(pool.FusedActivationFunction(), "?"),
        }
    if name == "FULLY_CONNECTED":
        dense = schema.FullyConnectedOptions()
        dense.Init(table.Bytes, table.Pos)
        return {
            "activation": ACTIVATIONS.get(dense.FusedActivationFunction(), "?"),
            "keep_dims": bool(dense.KeepNumDims()),
        }
    if name == "MEAN":
        reducer = schema.ReducerOptions()
        reducer.Init(table.Bytes, table.Pos)
        return {"keep_dims": bool(reducer.KeepDims())}
    return {}


def read_operators(path: str | Path) -> list[Operator]:
    """The main graph's (subgraph 0's) operators, in execution order."""
    from ai_edge_litert import schema_py_generated as schema

    data = Path(path).read_bytes()
    model = schema.Model.GetRootAs(data, 0)
    graph = model.Subgraphs(0)
    names = _builtin_names()
    operators = []
    for i in range(graph.OperatorsLength()):
        op = graph.Operators(i)
        code = model.OperatorCodes(op.OpcodeIndex())
        builtin = max(int(code.BuiltinCode()), int(code.DeprecatedBuiltinCode()))
        name = names.get(builtin, f"BUILTIN_{builtin}")
        operators.append(
            Operator(
                i,
                name,
                tuple(int(t) for t in op.InputsAsNumpy()) if op.InputsLength() else (),
                tuple(int(t) for t in op.OutputsAsNumpy()) if op.OutputsLength() else (),
                _options(schema, name, op),
            )
        )
    return operators


def dequantized(interpreter: Any, index: int) -> np.ndarray:
    """Constant tensor ``index`` in float32: an int8 one (a quantized twin's weights) scaled by
    its per-channel (or per-tensor) scales and zero points along its quantized dimension."""
    detail = interpreter.get_tensor_details()[index]
    values: np.ndarray = np.asarray(interpreter.get_tensor(index), np.float32)
    quant = detail["quantization_parameters"]
    scales = np.asarray(quant["scales"], np.float32)
    if detail["dtype"] in (np.int8, np.uint8) and scales.size:
        shape = [1] * values.ndim
        if scales.size > 1:
            shape[int(quant["quantized_dimension"])] = scales.size
        zeros = np.asarray(quant["zero_points"], np.float32)
        if zeros.size == scales.size:
            values = values - zeros.reshape(shape)
        elif zeros.size:
            values = values - zeros[0]
        values = values * scales.reshape(shape)
    return values
