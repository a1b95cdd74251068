using System;
using System.IO;
using System.Text;

namespace CharRnn;

/// <summary>Files the program writes: checked before any work is done, and written whole or not at all.</summary>
internal static class OutputPaths
{
    /// <summary>Refuses a path that names a folder or lies in a folder that does not exist, before any work is done.</summary>
    /// <exception cref="UsageException">The path cannot be a file this program writes.</exception>
    public static void Check(string path, string option)
    {
        if (path.EndsWith('/') || path.EndsWith(Path.DirectorySeparatorChar) || Directory.Exists(path))
            throw new UsageException($"{option}: '{path}' is a folder; give the path of a file");
        string folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? "";
        if (!Directory.Exists(folder))
            throw new UsageException($"{option}: the folder '{folder}' does not exist");
    }

    /// <summary>
    /// Writes <paramref name="text"/> as UTF-8 to a temporary file beside <paramref name="path"/>, then renames it over
    /// <paramref name="path"/>: a failed write leaves the old file, and no temporary file behind.
    /// </summary>
    /// <exception cref="IOException">The file could not be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The file or its folder may not be written.</exception>
    public static void WriteText(string path, string text)
    {
        string temporary = path + ".tmp";
        try
        {
            File.WriteAllText(temporary, text, new UTF8Encoding(false));
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // nothing more can be done; the original error is the one to report
            }
            throw;
        }
    }
}

/// <summary>The mean of the window losses since it was last taken: the training loss of one report interval.</summary>
internal sealed class IntervalLoss
{
    private double _sum;
    private int _count;

    public void Add(float loss)
    {
        _sum += loss;
        _count++;
    }

    /// <summary>Sum of the losses since the mean was last taken.</summary>
    public double Sum => _sum;

    /// <summary>Windows since the mean was last taken.</summary>
    public int Count => _count;

    /// <summary>Puts back what <see cref="Sum"/> and <see cref="Count"/> said (a resumed run's unfinished interval).</summary>
    public void Restore(double sum, int count)
    {
        _sum = sum;
        _count = count;
    }

    /// <summary>The mean since <see cref="TakeMean"/> was last called (NaN if no window was trained since), without a fresh start.</summary>
    public float PeekMean() => _count > 0 ? (float)(_sum / _count) : float.NaN;

    /// <summary>The mean since the last call (NaN if no window was trained since), and a fresh start.</summary>
    public float TakeMean()
    {
        float mean = _count > 0 ? (float)(_sum / _count) : float.NaN;
        _sum = 0;
        _count = 0;
        return mean;
    }
}
