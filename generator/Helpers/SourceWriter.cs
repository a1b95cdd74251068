using System.Globalization;
using System.Text;

namespace RnnGen.Generator.Helpers;

/// <summary>Writes C# source with indentation over a <see cref="StringBuilder"/>.</summary>
internal sealed class SourceWriter
{
    private const string IndentUnit = "    ";
    private readonly StringBuilder _text = new();
    private int _indent;

    public void Line() => _text.Append('\n');

    public void Line(string line)
    {
        if (line.Length != 0)
        {
            for (int i = 0; i < _indent; i++)
                _text.Append(IndentUnit);
            _text.Append(line);
        }
        _text.Append('\n');
    }

    /// <summary>
    /// Writes several lines, each indented at the current level (lines inside keep their own extra indent). A block that
    /// ends with a line break (a raw string literal whose last line is empty) ends with that blank line.
    /// </summary>
    public void Lines(string block)
    {
        foreach (string line in block.Replace("\r\n", "\n").Split('\n'))
            Line(line);
    }

    public void Open(string header)
    {
        Line(header);
        Line("{");
        _indent++;
    }

    public void Close(string suffix = "")
    {
        _indent--;
        Line("}" + suffix);
    }

    public void Indent() => _indent++;

    public void Unindent() => _indent--;

    public override string ToString() => _text.ToString();

    /// <summary>An integer literal in the invariant culture.</summary>
    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A float literal that round-trips, e.g. <c>0.5f</c>.</summary>
    public static string Float(float value) => value.ToString("R", CultureInfo.InvariantCulture) + "f";

    /// <summary>A float as text in messages and comments, e.g. <c>0.95</c> (round-trip, invariant).</summary>
    public static string FloatText(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A number with thousands separators for comments, e.g. 23,265.</summary>
    public static string Grouped(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
