using System;

namespace RnnGen.Generator;

/// <summary>
/// The names generated code declares in the user's class, shared by the parser (which reports a user member that
/// would collide with one, RNNG009/RNNG012) and the emitter (which writes them).
/// </summary>
internal static class GeneratedNames
{
    /// <summary>Members every model declares.</summary>
    public static readonly string[] Members =
    {
        "InputSize", "OutputSize", "SequenceLength", "ParameterCount", "Input", "Head", "Output",
        "Parameters", "Gradients", "Parameter", "Layout",
        "State", "Step", "Forward", "ComputeGradients", "ZeroGradients", "InitializeParameters", "ActiveKernelPath",
        "TapeLength", "LoadState", "StoreState",
        "_parameters", "_gradients", "_tape", "_packedState", "_dropoutState",
    };

    /// <summary>Further members of a model declared in the first form (one recurrent stack and a head).</summary>
    public static readonly string[] FirstFormMembers =
    {
        "HiddenSize", "Layers", "Directions", "Cell", "Bidirectional", "LayerOutputSize", "GateRows",
    };

    /// <summary>Further members of a layer stack.</summary>
    public static readonly string[] StackMembers =
    {
        "InputSkip", "PreEmphasis", "DropoutState", "Architecture",
    };

    /// <summary>The offset constant of a tensor: e.g. <c>InputWeightsL0Offset</c>, <c>HeadBiasOffset</c>, <c>Layer2WeightsOffset</c>.</summary>
    public static string Offset(string layerPrefix, string part) => layerPrefix + part + "Offset";

    /// <summary>True for the names of generated private offset constants, e.g. <c>InputWeightsL0Offset</c> or <c>Layer3BiasOffset</c>.</summary>
    public static bool IsOffsetName(string name) =>
        name.EndsWith("Offset", StringComparison.Ordinal) &&
        (name.StartsWith("InputWeights", StringComparison.Ordinal) || name.StartsWith("RecurrentWeights", StringComparison.Ordinal) ||
         name.StartsWith("InputBias", StringComparison.Ordinal) || name.StartsWith("RecurrentBias", StringComparison.Ordinal) ||
         name.StartsWith("HeadWeights", StringComparison.Ordinal) || name.StartsWith("HeadBias", StringComparison.Ordinal) ||
         (name.StartsWith("Layer", StringComparison.Ordinal) && name.Length > 5 && char.IsDigit(name[5])));

    /// <summary>True when a user member of this name collides with what the generator writes for the given form.</summary>
    public static bool IsReserved(string name, bool layerStack) =>
        Array.IndexOf(Members, name) >= 0 || Array.IndexOf(layerStack ? StackMembers : FirstFormMembers, name) >= 0 || IsOffsetName(name);
}
