using System;

namespace CharRnn;

/// <summary>
/// Simple properties of each position of a text that a hidden unit may track (Karpathy, Johnson and Fei-Fei,
/// "Visualizing and Understanding Recurrent Networks", 2015, found cells for quotes, line length and nesting depth).
/// Each is a number per character, the value after that character was read.
/// </summary>
internal static class Features
{
    /// <summary>The properties, by name, in the order <see cref="Compute"/> returns them.</summary>
    public static readonly string[] Names =
    {
        "inside double quotes",
        "inside parentheses",
        "depth of { } nesting",
        "inside a // comment",
        "position in the line",
        "inside a word",
        "in a line's indentation",
    };

    /// <summary>One array per entry of <see cref="Names"/>, each as long as <paramref name="text"/>.</summary>
    public static double[][] Compute(string text)
    {
        var features = new double[Names.Length][];
        for (int f = 0; f < features.Length; f++)
            features[f] = new double[text.Length];
        bool quoted = false, comment = false, indentation = true;
        int parentheses = 0, braces = 0, column = 0;
        for (int t = 0; t < text.Length; t++)
        {
            char c = text[t];
            char previous = t > 0 ? text[t - 1] : '\0';
            if (c == '\n')
            {
                quoted = false;
                comment = false;
                indentation = true;
                column = 0;
            }
            else
            {
                column++;
                if (c == '"' && previous != '\\' && !comment)
                    quoted = !quoted;
                if (!quoted && !comment)
                {
                    if (c == '/' && previous == '/')
                        comment = true;
                    parentheses = Math.Max(0, parentheses + (c == '(' ? 1 : c == ')' ? -1 : 0));
                    braces = Math.Max(0, braces + (c == '{' ? 1 : c == '}' ? -1 : 0));
                }
                if (c != ' ' && c != '\t')
                    indentation = false;
            }
            features[0][t] = quoted ? 1 : 0;
            features[1][t] = parentheses > 0 ? 1 : 0;
            features[2][t] = braces;
            features[3][t] = comment ? 1 : 0;
            features[4][t] = column;
            features[5][t] = char.IsLetterOrDigit(c) || c == '_' ? 1 : 0;
            features[6][t] = indentation && c != '\n' ? 1 : 0;
        }
        return features;
    }

    /// <summary>Pearson's correlation of <paramref name="x"/> and <paramref name="y"/>; 0 when either is constant.</summary>
    public static double Correlation(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int n = x.Length;
        double meanX = 0, meanY = 0;
        for (int i = 0; i < n; i++)
        {
            meanX += x[i];
            meanY += y[i];
        }
        meanX /= n;
        meanY /= n;
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < n; i++)
        {
            double dx = x[i] - meanX, dy = y[i] - meanY;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        return sxx > 0 && syy > 0 ? sxy / Math.Sqrt(sxx * syy) : 0;
    }
}
