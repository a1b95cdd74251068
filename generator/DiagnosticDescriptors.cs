using Microsoft.CodeAnalysis;

namespace RnnGen.Generator;

/// <summary>Every diagnostic the generator reports. Each ID is documented in docs/diagnostics.md.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "RnnGen";
    private const string HelpBase = "https://github.com/rnngen/rnngen/blob/main/docs/diagnostics.md#";

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpBase + id.ToLowerInvariant());

    public static readonly DiagnosticDescriptor NotPartial = Error(
        "RNNG001",
        "Model class must be partial",
        "'{0}' has [RnnModel] but is not partial; add the 'partial' modifier so RnnGen can generate its members");

    public static readonly DiagnosticDescriptor Generic = Error(
        "RNNG002",
        "Model class must not be generic",
        "'{0}' is generic or nested in a generic type; declare the model in a non-generic class (sizes are fixed at compile time, so type parameters add nothing)");

    public static readonly DiagnosticDescriptor ContainingTypeNotPartial = Error(
        "RNNG003",
        "Types containing a model must be partial",
        "'{0}' is nested in '{1}', which is not partial; add the 'partial' modifier to '{1}'");

    public static readonly DiagnosticDescriptor SizeOutOfRange = Error(
        "RNNG004",
        "Size must be positive",
        "{0} is {1}; it must be at least 1");

    public static readonly DiagnosticDescriptor ModelTooLarge = Error(
        "RNNG005",
        "Model is too large",
        "{0}; reduce {1}");

    public static readonly DiagnosticDescriptor SingleClassSoftmax = Error(
        "RNNG006",
        "A softmax head needs at least two classes",
        "'{0}' has a softmax head over 1 class, whose probability is always 1 and whose loss is always 0; set outputSize to the number of classes, or use Head = HeadKind.Linear for a single value");

    public static readonly DiagnosticDescriptor UndefinedValue = Error(
        "RNNG007",
        "Undefined enum value",
        "{0} = {1} is not a defined {2} value; use one of {3}");

    public static readonly DiagnosticDescriptor NotInstantiable = Error(
        "RNNG008",
        "Model class must be instantiable",
        "'{0}' is {1}; a model must be a non-static, non-abstract class because RnnGen generates a constructor and instance buffers");

    public static readonly DiagnosticDescriptor MemberConflict = Error(
        "RNNG009",
        "Member conflicts with a generated member",
        "'{0}' declares '{1}', which RnnGen generates; rename or remove it");

    public static readonly DiagnosticDescriptor NotAClass = Error(
        "RNNG010",
        "Model must be a class",
        "'{0}' is a {1}; declare the model as a 'partial class'");

    public static readonly DiagnosticDescriptor FileLocal = Error(
        "RNNG011",
        "Model must not be file-local",
        "'{0}' is a file-local type or nested in one; the generated part lives in another file, so declare the model without the 'file' modifier");

    public static readonly DiagnosticDescriptor NameIsGeneratedMember = Error(
        "RNNG012",
        "Model class name collides with a generated member",
        "The class is named '{0}', which is also the name of a member RnnGen generates in it; rename the class");

    public static readonly DiagnosticDescriptor LanguageVersionTooLow = Error(
        "RNNG013",
        "C# 12 or newer is required",
        "'{0}' is compiled as C# {1}; the generated code needs C# 12 (inline arrays for the state); set <LangVersion>12</LangVersion> or newer, or target net8.0 or later");

    public static readonly DiagnosticDescriptor LayerWithoutModel = Error(
        "RNNG014",
        "Layer attribute without [RnnModel(inputSize)]",
        "'{0}' has [{1}] but no [RnnModel]; add [RnnModel(inputSize: N)] above the layers, N being the input's feature count or vocabulary size");

    public static readonly DiagnosticDescriptor MixedForms = Error(
        "RNNG015",
        "The two forms of [RnnModel] are mixed",
        "{0}");

    public static readonly DiagnosticDescriptor NoRecurrentLayer = Error(
        "RNNG016",
        "A layer stack needs a recurrent layer",
        "'{0}' {1}; add a recurrent layer such as [Recurrent(CellKind.Lstm, 64)]");

    public static readonly DiagnosticDescriptor EmbeddingMisplaced = Error(
        "RNNG017",
        "Embedding must be the first layer of a token model",
        "[Embedding] is layer {0} {1}; an embedding looks up token ids, so it must be the first layer of a model with Input = InputKind.Token ({2})");

    public static readonly DiagnosticDescriptor ConvolutionAfterLastStep = Error(
        "RNNG018",
        "Conv1D after the LastStep reduction",
        "[Conv1D] is layer {0}, after the last recurrent layer (layer {1}) of a model with Output = OutputKind.LastStep, where one step is left to convolve; move it before that layer or use Output = OutputKind.EveryStep");

    public static readonly DiagnosticDescriptor InputSkipDoesNotFit = Error(
        "RNNG019",
        "InputSkip cannot apply",
        "InputSkip adds the first OutputSize input features to the output at every step, but {0}; {1}");

    public static readonly DiagnosticDescriptor DropoutProbabilityOutOfRange = Error(
        "RNNG020",
        "Dropout probability must be in [0, 1)",
        "[Dropout] (layer {0}) has p = {1}; it must be at least 0 and less than 1 (the share of values zeroed during training)");

    public static readonly DiagnosticDescriptor DuplicateTensorName = Error(
        "RNNG021",
        "Two tensors have the same name",
        "Layer {0} ([{1}]) and layer {2} ([{3}]) both name a tensor '{4}'; give one of them another Name");

    public static readonly DiagnosticDescriptor InvalidLayerName = Error(
        "RNNG022",
        "Invalid layer name",
        "Name = \"{0}\" (layer {1}) is not a tensor-name prefix; use letters, digits and '_', with single dots between parts (e.g. \"rec\", \"net.rnn\"), or \"\" for bare names");

    public static readonly DiagnosticDescriptor ErrorToSignalRatioMisuse = Error(
        "RNNG023",
        "Error-to-signal ratio settings do not fit",
        "{0}");

    public static readonly DiagnosticDescriptor LayersOnAnotherPart = Error(
        "RNNG024",
        "Layers are declared on another part of the class",
        "'{0}' has [{1}] on another part of the partial class than its [RnnModel]; put every layer attribute on the declaration that has [RnnModel], whose source order is the model's order");

    public static readonly DiagnosticDescriptor InternalError = Error(
        "RNNG099",
        "Internal generator error",
        "RnnGen could not generate '{0}': {1}; please report this with the declaration that caused it");
}
