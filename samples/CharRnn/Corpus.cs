using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;

namespace CharRnn;

/// <summary>Loads the training text: a file the user names, or the sources embedded in this program.</summary>
internal static class Corpus
{
    public static string Embedded()
    {
        Assembly assembly = typeof(Corpus).Assembly;
        var text = new StringBuilder();
        foreach (string name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("corpus/", StringComparison.Ordinal)).OrderBy(n => n, StringComparer.Ordinal))
        {
            using Stream stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            text.Append(reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal));
            text.Append('\n');
        }
        return text.ToString();
    }

    /// <summary>Reads a UTF-8 text file; a missing, empty or binary file is a <see cref="UsageException"/> whose one-line message calls it <paramref name="kind"/>.</summary>
    public static string FromFile(string path, string kind = "corpus file")
    {
        if (!File.Exists(path))
            throw new UsageException($"{kind} '{path}' does not exist");
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read {kind} '{path}': {e.Message}");
        }
        if (bytes.Length == 0)
            throw new UsageException($"{kind} '{path}' is empty");
        if (Array.IndexOf(bytes, (byte)0) >= 0)
            throw new UsageException($"{kind} '{path}' looks binary (it contains NUL bytes); give a text file");
        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new UsageException($"{kind} '{path}' is not UTF-8 text");
        }
        text = text.TrimStart('\uFEFF').Replace("\r\n", "\n", StringComparison.Ordinal);
        if (text.Length < 2)
            throw new UsageException($"{kind} '{path}' has {text.Length} character{(text.Length == 1 ? "" : "s")}; at least 2 are needed");
        return text;
    }
}

