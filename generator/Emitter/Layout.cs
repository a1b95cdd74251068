using System.Collections.Generic;
using RnnGen.Generator.Model;

namespace RnnGen.Generator;

public sealed partial class RnnGenerator
{
    /// <summary>One parameter tensor as the emitter lays it out: PyTorch name, offset constant name and shape.</summary>
    internal sealed class Tensor
    {
        public Tensor(string name, string constantName, int offset, int rows, int columns, string rowsName, string? columnsName)
        {
            Name = name;
            ConstantName = constantName;
            Offset = offset;
            Rows = rows;
            Columns = columns;
            RowsName = rowsName;
            ColumnsName = columnsName;
        }

        public string Name { get; }
        public string ConstantName { get; }
        public int Offset { get; }
        public int Rows { get; }
        public int Columns { get; }
        public string RowsName { get; }
        public string? ColumnsName { get; }
        public int Length => Rows * Columns;
        public bool IsMatrix => ColumnsName is not null;
        public string LengthExpression => IsMatrix ? RowsName + " * " + ColumnsName : RowsName;
    }

    /// <summary>
    /// Where each parameter tensor lives in the contiguous buffer, in PyTorch's order: the RNN's
    /// <c>weight_ih_l0</c>, <c>weight_hh_l0</c>, <c>bias_ih_l0</c>, <c>bias_hh_l0</c>, then the head's
    /// <c>head.weight</c>, <c>head.bias</c>.
    /// </summary>
    internal sealed class Layout
    {
        public Layout(ModelSpec model)
        {
            int h = model.HiddenSize, i = model.InputSize, o = model.OutputSize;
            int offset = 0;
            Tensor Add(string name, string constant, int rows, int columns, string rowsName, string? columnsName)
            {
                var tensor = new Tensor(name, constant, offset, rows, columns, rowsName, columnsName);
                offset += tensor.Length;
                Tensors.Add(tensor);
                return tensor;
            }
            InputWeights = Add("weight_ih_l0", "InputWeightsOffset", h, i, "HiddenSize", "InputSize");
            RecurrentWeights = Add("weight_hh_l0", "RecurrentWeightsOffset", h, h, "HiddenSize", "HiddenSize");
            InputBias = Add("bias_ih_l0", "InputBiasOffset", h, 1, "HiddenSize", null);
            RecurrentBias = Add("bias_hh_l0", "RecurrentBiasOffset", h, 1, "HiddenSize", null);
            HeadWeights = Add("head.weight", "HeadWeightsOffset", o, h, "OutputSize", "HiddenSize");
            HeadBias = Add("head.bias", "HeadBiasOffset", o, 1, "OutputSize", null);
            ParameterCount = offset;
        }

        public List<Tensor> Tensors { get; } = new();
        public Tensor InputWeights { get; }
        public Tensor RecurrentWeights { get; }
        public Tensor InputBias { get; }
        public Tensor RecurrentBias { get; }
        public Tensor HeadWeights { get; }
        public Tensor HeadBias { get; }
        public int ParameterCount { get; }
    }
}
