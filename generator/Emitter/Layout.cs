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

    /// <summary>The four tensors of one layer in one direction.</summary>
    internal sealed class LayerTensors
    {
        public LayerTensors(int layer, int direction, Tensor inputWeights, Tensor recurrentWeights, Tensor inputBias, Tensor recurrentBias)
        {
            Layer = layer;
            Direction = direction;
            InputWeights = inputWeights;
            RecurrentWeights = recurrentWeights;
            InputBias = inputBias;
            RecurrentBias = recurrentBias;
        }

        public int Layer { get; }
        public int Direction { get; }
        public Tensor InputWeights { get; }
        public Tensor RecurrentWeights { get; }
        public Tensor InputBias { get; }
        public Tensor RecurrentBias { get; }

        /// <summary>"L0", "L1Reverse", ...: the suffix of this layer-direction's constants and methods.</summary>
        public string Key => "L" + Layer + (Direction == 1 ? "Reverse" : "");
    }

    /// <summary>One named region of the training tape.</summary>
    internal sealed class TapeRegion
    {
        public TapeRegion(string constantName, int offset, int length, string lengthExpression, string comment)
        {
            ConstantName = constantName;
            Offset = offset;
            Length = length;
            LengthExpression = lengthExpression;
            Comment = comment;
        }

        public string ConstantName { get; }
        public int Offset { get; }
        public int Length { get; }
        public string LengthExpression { get; }
        public string Comment { get; }
    }

    /// <summary>
    /// Where each parameter tensor lives in the contiguous buffer, in PyTorch's order (for each layer, for each
    /// direction: <c>weight_ih</c>, <c>weight_hh</c>, <c>bias_ih</c>, <c>bias_hh</c>; then <c>head.weight</c>,
    /// <c>head.bias</c>), and how the training tape is divided.
    /// </summary>
    internal sealed class Layout
    {
        public Layout(ModelSpec model)
        {
            Model = model;
            int h = model.HiddenSize, o = model.OutputSize;
            Directions = model.Bidirectional ? 2 : 1;
            Gates = Sizes.GateCount(model.Cell);
            GateRows = Gates * h;
            HeadInputSize = Directions * h;

            int offset = 0;
            Tensor Add(string name, string constant, int rows, int columns, string rowsName, string? columnsName)
            {
                var tensor = new Tensor(name, constant, offset, rows, columns, rowsName, columnsName);
                offset += tensor.Length;
                Tensors.Add(tensor);
                return tensor;
            }
            for (int layer = 0; layer < model.Layers; layer++)
            {
                for (int direction = 0; direction < Directions; direction++)
                {
                    string suffix = "_l" + layer + (direction == 1 ? "_reverse" : "");
                    string key = "L" + layer + (direction == 1 ? "Reverse" : "");
                    bool first = layer == 0;
                    var tensors = new LayerTensors(layer, direction,
                        Add("weight_ih" + suffix, "InputWeights" + key + "Offset", GateRows, first ? model.InputSize : HeadInputSize, "GateRows", first ? "InputSize" : "LayerOutputSize"),
                        Add("weight_hh" + suffix, "RecurrentWeights" + key + "Offset", GateRows, h, "GateRows", "HiddenSize"),
                        Add("bias_ih" + suffix, "InputBias" + key + "Offset", GateRows, 1, "GateRows", null),
                        Add("bias_hh" + suffix, "RecurrentBias" + key + "Offset", GateRows, 1, "GateRows", null));
                    LayerDirections.Add(tensors);
                }
            }
            HeadWeights = Add("head.weight", "HeadWeightsOffset", o, HeadInputSize, "OutputSize", "LayerOutputSize");
            HeadBias = Add("head.bias", "HeadBiasOffset", o, 1, "OutputSize", null);
            ParameterCount = offset;

            int s = model.SequenceLength;
            int tape = 0;
            TapeRegion Region(string constant, int length, string expression, string comment)
            {
                var region = new TapeRegion(constant, tape, length, expression, comment);
                tape += length;
                TapeRegions.Add(region);
                return region;
            }
            foreach (LayerTensors ld in LayerDirections)
            {
                string dir = ld.Direction == 1 ? " (reverse)" : "";
                Region("Hidden" + ld.Key + "Offset", (s + 1) * h, "(SequenceLength + 1) * HiddenSize", "layer " + ld.Layer + dir + ": h before each step, in processing order");
                if (model.Cell == Cell.Lstm)
                    Region("Cell" + ld.Key + "Offset", (s + 1) * h, "(SequenceLength + 1) * HiddenSize", "layer " + ld.Layer + dir + ": c before each step");
                if (model.Cell is Cell.Lstm or Cell.Gru)
                    Region("Gates" + ld.Key + "Offset", s * GateRows, "SequenceLength * GateRows", "layer " + ld.Layer + dir + ": gate activations of each step");
                if (model.Cell == Cell.Gru)
                    Region("RecurrentCandidate" + ld.Key + "Offset", s * h, "SequenceLength * HiddenSize", "layer " + ld.Layer + dir + ": W_hn·h + b_hn of each step");
            }
            for (int layer = 0; layer < model.Layers; layer++)
            {
                Region("Output" + layer + "Offset", s * HeadInputSize, "SequenceLength * LayerOutputSize", "layer " + layer + ": its output at each time step (directions side by side)");
                Region("OutputDelta" + layer + "Offset", s * HeadInputSize, "SequenceLength * LayerOutputSize", "layer " + layer + ": dL/d(output)");
            }
            int outputs = model.Output == Output.EveryStep ? s * o : o;
            Region("HeadOutputOffset", outputs, model.Output == Output.EveryStep ? "SequenceLength * OutputSize" : "OutputSize", "the head's outputs, then dL/d(outputs)");
            if (model.Output == Output.LastStep)
            {
                Region("HeadInputOffset", HeadInputSize, "LayerOutputSize", "the final states the head reads");
                Region("HeadInputDeltaOffset", HeadInputSize, "LayerOutputSize", "dL/d(final states)");
            }
            Region("DeltaInputOffset", s * GateRows, "SequenceLength * GateRows", "dL/d(input-side pre-activations) of the layer being differentiated");
            if (model.Cell == Cell.Gru)
                Region("DeltaRecurrentOffset", s * GateRows, "SequenceLength * GateRows", "dL/d(recurrent-side pre-activations): differs from the input side in the n gate");
            Region("DeltaHiddenOffset", h, "HiddenSize", "dL/dh flowing back in time");
            if (model.Cell == Cell.Lstm)
                Region("DeltaCellOffset", h, "HiddenSize", "dL/dc flowing back in time");
            if (model.Cell == Cell.Gru)
                Region("RecurrentGatesOffset", GateRows, "GateRows", "W_hh·h + b_hh of the current step");
            TapeLength = tape;
        }

        public ModelSpec Model { get; }
        public int Directions { get; }
        public int Gates { get; }
        public int GateRows { get; }
        public int HeadInputSize { get; }
        public List<Tensor> Tensors { get; } = new();
        public List<LayerTensors> LayerDirections { get; } = new();
        public List<TapeRegion> TapeRegions { get; } = new();
        public Tensor HeadWeights { get; }
        public Tensor HeadBias { get; }
        public int ParameterCount { get; }
        public int TapeLength { get; }
        public int StateFloats => Model.HiddenSize * Model.Layers * Directions * (Model.Cell == Cell.Lstm ? 2 : 1);
    }
}
