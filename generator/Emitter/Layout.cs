using System.Collections.Generic;
using RnnGen.Generator.Model;

namespace RnnGen.Generator;

/// <summary>One parameter tensor: PyTorch name, offset constant, offset and shape.</summary>
internal sealed class Tensor
{
    public Tensor(string name, string constantName, long offset, long[] shape, string shapeExpression)
    {
        Name = name;
        ConstantName = constantName;
        Offset = offset;
        Shape = shape;
        ShapeExpression = shapeExpression;
        long length = 1;
        foreach (long d in shape)
            length *= d;
        Length = length;
    }

    public string Name { get; }
    public string ConstantName { get; }
    public long Offset { get; }
    public long[] Shape { get; }

    /// <summary>The shape as written in the generated <c>Layout</c>: named constants in the first form, numbers in a stack.</summary>
    public string ShapeExpression { get; }
    public long Length { get; }
}

/// <summary>The four tensors of one sub-layer in one direction of a recurrent layer, and the names of its tape regions.</summary>
internal sealed class RecurrentBlock
{
    public RecurrentBlock(int layerIndex, LayerSpec layer, int subLayer, int direction, int inputWidth,
        Tensor inputWeights, Tensor recurrentWeights, Tensor? inputBias, Tensor? recurrentBias)
    {
        LayerIndex = layerIndex;
        Layer = layer;
        SubLayer = subLayer;
        Direction = direction;
        InputWidth = inputWidth;
        InputWeights = inputWeights;
        RecurrentWeights = recurrentWeights;
        InputBias = inputBias;
        RecurrentBias = recurrentBias;
    }

    public int LayerIndex { get; }
    public LayerSpec Layer { get; }
    public int SubLayer { get; }
    public int Direction { get; }
    public int InputWidth { get; }
    public Tensor InputWeights { get; }
    public Tensor RecurrentWeights { get; }
    public Tensor? InputBias { get; }
    public Tensor? RecurrentBias { get; }
    public bool Reverse => Direction == 1;

    /// <summary>"Layer1L0", "Layer1L2Reverse": the stem of this block's method and tape names.</summary>
    public string Key => "Layer" + LayerIndex + "L" + SubLayer + (Reverse ? "Reverse" : "");
}

/// <summary>One named region of the training tape.</summary>
internal sealed class TapeRegion
{
    public TapeRegion(string name, long offset, long length, string comment)
    {
        Name = name;
        Offset = offset;
        Length = length;
        Comment = comment;
    }

    /// <summary>The region's stem; its constant is <c>{Name}Offset</c>.</summary>
    public string Name { get; }
    public long Offset { get; }
    public long Length { get; }
    public string Comment { get; }
}

/// <summary>A part of the packed state: a recurrent block's h or c, or a convolution's history.</summary>
internal sealed class StateSlot
{
    public StateSlot(string tapeRegion, long offset, long length, RecurrentBlock? block, int conv)
    {
        TapeRegion = tapeRegion;
        Offset = offset;
        Length = length;
        Block = block;
        ConvLayer = conv;
    }

    /// <summary>The tape region whose first row (h, c) or whole (history) this slot loads.</summary>
    public string TapeRegion { get; }
    public long Offset { get; }
    public long Length { get; }
    public RecurrentBlock? Block { get; }

    /// <summary>The index of a convolution whose history this is; −1 for h and c.</summary>
    public int ConvLayer { get; }
}

/// <summary>
/// Where everything of a model lives: each parameter tensor in the contiguous buffer, in PyTorch's order (layer by
/// layer; within a recurrent layer, for each sub-layer and direction <c>weight_ih</c>, <c>weight_hh</c>,
/// <c>bias_ih</c>, <c>bias_hh</c>), each region of the training tape, and each part of the packed state. Computed in
/// 64-bit arithmetic so that the parser can measure absurd declarations with it before anything is emitted.
/// </summary>
internal sealed class Layout
{
    private readonly ModelSpec _model;

    public Layout(ModelSpec model)
    {
        _model = model;
        long sequence = model.SequenceLength;
        int lastRecurrent = model.LastRecurrentIndex;
        for (int i = 0; i < model.Layers.Count; i++)
        {
            LayerSpec layer = model.Layers[i];
            bool participates = layer.HasParameters || NeedsInputDelta(i);
            RowsOf.Add(model.Output == Output.LastStep && i > lastRecurrent ? 1 : sequence);
            Participates.Add(participates);
            AddTensors(i, layer);
        }
        ParameterCount = _parameterOffset;

        if (model.Input == Input.Token && NeedsOneHot)
            Region("OneHot", sequence * model.InputSize, "the window's tokens as one-hot rows");
        for (int i = 0; i < model.Layers.Count; i++)
        {
            LayerSpec layer = model.Layers[i];
            long rows = RowsOf[i];
            string name = "Layer" + i;
            switch (layer.Kind)
            {
                case LayerKind.Recurrent:
                    AddRecurrentRegions(i, layer);
                    break;
                case LayerKind.Conv1D:
                    if (layer.HistoryRows > 0)
                    {
                        Region(name + "History", (long)layer.HistoryRows * layer.InputWidth, "layer " + i + ": the inputs before the window (from the state)");
                        Region(name + "NextHistory", (long)layer.HistoryRows * layer.InputWidth, "layer " + i + ": the inputs the state keeps after the window");
                    }
                    Region(name + "Columns", rows * layer.InputWidth * layer.KernelSize, "layer " + i + ": each step's taps, [input channel, tap] as the weights hold them");
                    if (NeedsInputDelta(i))
                        Region(name + "ColumnsDelta", rows * layer.InputWidth * layer.KernelSize, "layer " + i + ": dL/d(taps)");
                    break;
                case LayerKind.Dropout:
                    Region(name + "Mask", rows * layer.Size, "layer " + i + ": 0 or 1/(1 − p) for each value of the window");
                    break;
            }
            Region(name + "Output", rows * layer.OutputWidth, "layer " + i + ": its output at each step");
            if (Participates[i])
                Region(name + "OutputDelta", rows * layer.OutputWidth, "layer " + i + ": dL/d(output)");
            if (i == lastRecurrent && model.Output == Output.LastStep)
            {
                Region("Final", layer.OutputWidth, "layer " + i + "'s final output, which the layers above read (reverse direction: after the first step)");
                Region("FinalDelta", layer.OutputWidth, "dL/d(final output)");
            }
        }
        if (model.InputSkip)
            Region("SkipOutput", sequence * model.OutputSize, "the last layer's output plus the skipped input");
        TapeLength = _tapeOffset;

        long state = 0;
        foreach (RecurrentBlock block in Blocks)
        {
            StateSlots.Add(new StateSlot(block.Key + "Hidden", state, block.Layer.Size, block, -1));
            state += block.Layer.Size;
        }
        foreach (RecurrentBlock block in Blocks)
        {
            if (block.Layer.Cell != Cell.Lstm)
                continue;
            StateSlots.Add(new StateSlot(block.Key + "Cell", state, block.Layer.Size, block, -1));
            state += block.Layer.Size;
        }
        HiddenStateFloats = 0;
        foreach (StateSlot slot in StateSlots)
            HiddenStateFloats += slot.Length;
        for (int i = 0; i < model.Layers.Count; i++)
        {
            LayerSpec layer = model.Layers[i];
            if (layer.Kind != LayerKind.Conv1D || layer.HistoryRows == 0)
                continue;
            long length = (long)layer.HistoryRows * layer.InputWidth;
            StateSlots.Add(new StateSlot("Layer" + i + "History", state, length, null, i));
            state += length;
        }
        StateFloats = state;
    }

    public List<Tensor> Tensors { get; } = new();
    public List<RecurrentBlock> Blocks { get; } = new();
    public List<TapeRegion> TapeRegions { get; } = new();
    public List<StateSlot> StateSlots { get; } = new();

    /// <summary>Per layer: rows of its output in a window (SequenceLength, or 1 after a LastStep reduction).</summary>
    public List<long> RowsOf { get; } = new();

    /// <summary>Per layer: whether backpropagation runs through it (it has parameters, or some layer below has).</summary>
    public List<bool> Participates { get; } = new();

    /// <summary>Per layer, its tensors in buffer order.</summary>
    public Dictionary<int, List<Tensor>> TensorsOf { get; } = new();

    public long ParameterCount { get; }
    public long TapeLength { get; }
    public long StateFloats { get; }

    /// <summary>Floats of the state that are h and c (the rest is convolution history).</summary>
    public long HiddenStateFloats { get; }

    /// <summary>The first layer of a token model reads one-hot rows from the tape (a recurrent or dense first layer gathers columns instead).</summary>
    public bool NeedsOneHot => _model.Input == Input.Token && _model.Layers[0].Kind is LayerKind.Conv1D or LayerKind.Dropout;

    /// <summary>Whether layer <paramref name="index"/> must pass dL/d(input) down: some layer below it has parameters.</summary>
    public bool NeedsInputDelta(int index)
    {
        for (int j = 0; j < index; j++)
        {
            if (_model.Layers[j].HasParameters)
                return true;
        }
        return false;
    }

    public Tensor WeightsOf(int layer) => TensorsOf[layer][0];

    public Tensor? BiasOf(int layer) => TensorsOf[layer].Count > 1 ? TensorsOf[layer][1] : null;

    private long _parameterOffset;
    private long _tapeOffset;

    /// <summary>The prefix of a layer's offset constants: "" and "Head" in the first form, "Layer{position}" in a stack.</summary>
    private string ConstantPrefix(LayerSpec layer) =>
        _model.IsLayerStack ? "Layer" + layer.Position : layer.Kind == LayerKind.Recurrent ? "" : "Head";

    private Tensor AddTensor(int layerIndex, LayerSpec layer, string name, string part, long[] shape, string firstFormShape)
    {
        string expression = _model.IsLayerStack ? ShapeText(shape) : firstFormShape;
        var tensor = new Tensor(layer.TensorName(name), GeneratedNames.Offset(ConstantPrefix(layer), part), _parameterOffset, shape, expression);
        _parameterOffset += tensor.Length;
        Tensors.Add(tensor);
        if (!TensorsOf.TryGetValue(layerIndex, out List<Tensor>? list))
            TensorsOf[layerIndex] = list = new List<Tensor>();
        list.Add(tensor);
        return tensor;
    }

    private static string ShapeText(long[] shape)
    {
        string text = "";
        foreach (long d in shape)
            text += (text.Length == 0 ? "" : ", ") + d.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return text;
    }

    private void AddTensors(int i, LayerSpec layer)
    {
        switch (layer.Kind)
        {
            case LayerKind.Recurrent:
                long gateRows = layer.GateRows, hidden = layer.Size;
                for (int sub = 0; sub < layer.SubLayers; sub++)
                {
                    int input = sub == 0 ? layer.InputWidth : layer.OutputWidth;
                    for (int direction = 0; direction < layer.Directions; direction++)
                    {
                        string suffix = "_l" + sub + (direction == 1 ? "_reverse" : "");
                        string key = "L" + sub + (direction == 1 ? "Reverse" : "");
                        Tensor inputWeights = AddTensor(i, layer, "weight_ih" + suffix, "InputWeights" + key, new[] { gateRows, input }, "GateRows, " + (sub == 0 ? "InputSize" : "LayerOutputSize"));
                        Tensor recurrentWeights = AddTensor(i, layer, "weight_hh" + suffix, "RecurrentWeights" + key, new[] { gateRows, hidden }, "GateRows, HiddenSize");
                        Tensor? inputBias = layer.Bias ? AddTensor(i, layer, "bias_ih" + suffix, "InputBias" + key, new[] { gateRows }, "GateRows") : null;
                        Tensor? recurrentBias = layer.Bias ? AddTensor(i, layer, "bias_hh" + suffix, "RecurrentBias" + key, new[] { gateRows }, "GateRows") : null;
                        Blocks.Add(new RecurrentBlock(i, layer, sub, direction, input, inputWeights, recurrentWeights, inputBias, recurrentBias));
                    }
                }
                break;
            case LayerKind.Dense:
                AddTensor(i, layer, "weight", "Weights", new long[] { layer.Size, layer.InputWidth }, "OutputSize, LayerOutputSize");
                if (layer.Bias)
                    AddTensor(i, layer, "bias", "Bias", new long[] { layer.Size }, "OutputSize");
                break;
            case LayerKind.Conv1D:
                AddTensor(i, layer, "weight", "Weights", new long[] { layer.Size, layer.InputWidth, layer.KernelSize }, "");
                if (layer.Bias)
                    AddTensor(i, layer, "bias", "Bias", new long[] { layer.Size }, "");
                break;
            case LayerKind.Embedding:
                AddTensor(i, layer, "weight", "Weights", new long[] { layer.InputWidth, layer.Size }, "");
                break;
        }
    }

    private void AddRecurrentRegions(int i, LayerSpec layer)
    {
        long sequence = _model.SequenceLength, hidden = layer.Size, gateRows = layer.GateRows;
        foreach (RecurrentBlock block in Blocks)
        {
            if (block.LayerIndex != i)
                continue;
            string what = "layer " + i + (layer.SubLayers > 1 ? "." + block.SubLayer : "") + (block.Reverse ? " (reverse)" : "");
            Region(block.Key + "Hidden", (sequence + 1) * hidden, what + ": h before each step, in processing order");
            if (layer.Cell == Cell.Lstm)
                Region(block.Key + "Cell", (sequence + 1) * hidden, what + ": c before each step");
            if (layer.Cell is Cell.Lstm or Cell.Gru)
                Region(block.Key + "Gates", sequence * gateRows, what + ": gate activations of each step");
            if (layer.Cell == Cell.Gru)
                Region(block.Key + "Candidate", sequence * hidden, what + ": W_hn·h + b_hn of each step");
        }
        for (int sub = 0; sub < layer.SubLayers - 1; sub++)
        {
            Region("Layer" + i + "L" + sub + "Output", sequence * layer.OutputWidth, "layer " + i + "." + sub + ": its output at each step (directions side by side)");
            Region("Layer" + i + "L" + sub + "OutputDelta", sequence * layer.OutputWidth, "layer " + i + "." + sub + ": dL/d(output)");
        }
        string name = "Layer" + i;
        Region(name + "DeltaInput", sequence * gateRows, "layer " + i + ": dL/d(input-side pre-activations) of the block being differentiated");
        if (layer.Cell == Cell.Gru)
            Region(name + "DeltaRecurrent", sequence * gateRows, "layer " + i + ": dL/d(recurrent-side pre-activations): differs from the input side in the n gate");
        Region(name + "DeltaHidden", hidden, "layer " + i + ": dL/dh flowing back in time");
        if (layer.Cell == Cell.Lstm)
            Region(name + "DeltaCell", hidden, "layer " + i + ": dL/dc flowing back in time");
        if (layer.Cell == Cell.Gru)
            Region(name + "RecurrentGates", gateRows, "layer " + i + ": W_hh·h + b_hh of the current step");
    }

    private void Region(string name, long length, string comment)
    {
        TapeRegions.Add(new TapeRegion(name, _tapeOffset, length, comment));
        _tapeOffset += length;
    }

    /// <summary>The name of the tape region a block's sub-layer writes its output to.</summary>
    public static string SubLayerOutput(RecurrentBlock block) =>
        block.SubLayer == block.Layer.SubLayers - 1 ? "Layer" + block.LayerIndex + "Output" : "Layer" + block.LayerIndex + "L" + block.SubLayer + "Output";
}
