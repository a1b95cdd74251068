using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace RnnGen.Benchmarks.Peers;

/// <summary>
/// The files <c>make_onnx_models.py</c> writes: per model an ONNX graph and the same weights as raw float32 in
/// PyTorch's state_dict order, which is RnnGen's <see cref="IRnnModel.Parameters"/> layout.
/// </summary>
public static class ModelFiles
{
    /// <summary>The folder holding the models: <c>RNNGEN_PEERS_MODELS</c>, or <c>models/</c> beside the project.</summary>
    public static string Directory
    {
        get
        {
            string? fromEnvironment = Environment.GetEnvironmentVariable("RNNGEN_PEERS_MODELS");
            if (!string.IsNullOrEmpty(fromEnvironment))
                return fromEnvironment;
            return typeof(ModelFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .First(a => a.Key == "PeersModelDirectory").Value!;
        }
    }

    /// <summary>Path of <paramref name="name"/>.onnx.</summary>
    public static string Onnx(string name) => Require(Path.Combine(Directory, name + ".onnx"));

    /// <summary>Throws, naming the command that makes them, unless the models exist.</summary>
    public static void EnsurePresent() => Require(Path.Combine(Directory, "manifest.json"));

    /// <summary>
    /// Loads <paramref name="name"/>.bin into <paramref name="model"/>'s parameters after checking that the manifest's
    /// tensor names and shapes are the model's <see cref="IRnnModel.Layout"/>.
    /// </summary>
    public static void LoadWeights(string name, IRnnModel model)
    {
        using (JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(Require(Path.Combine(Directory, "manifest.json")))))
        {
            JsonElement tensors = manifest.RootElement.GetProperty("models").GetProperty(name).GetProperty("tensors");
            string expected = string.Join("; ", model.Layout.Select(p => $"{p.Name} [{string.Join(", ", p.Shape)}]"));
            string actual = string.Join("; ", tensors.EnumerateArray().Select(t =>
                $"{t.GetProperty("name").GetString()} [{string.Join(", ", t.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()))}]"));
            if (expected != actual)
                throw new InvalidOperationException($"{name}: the manifest's tensors are {actual}; the RnnGen model's are {expected}.");
        }
        byte[] bytes = File.ReadAllBytes(Require(Path.Combine(Directory, name + ".bin")));
        if (bytes.Length != model.ParameterCount * sizeof(float))
            throw new InvalidOperationException($"{name}.bin has {bytes.Length} bytes; the model has {model.ParameterCount} parameters.");
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("The weight files are little-endian float32.");
        MemoryMarshal.Cast<byte, float>(bytes).CopyTo(model.Parameters);
    }

    private static string Require(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"{path} is missing. Build the models first: /usr/bin/python3 benchmarks/RnnGen.Benchmarks.Peers/make_onnx_models.py " +
                "(needs Debian's python3-onnx), or run benchmarks/RnnGen.Benchmarks.Peers/run.sh, which does it.", path);
        }
        return path;
    }
}
