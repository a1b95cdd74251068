using System;
using System.IO;

namespace RnnGen;

/// <summary>
/// Replaces a file all at once: the new content goes to a temporary file in the same folder, is flushed to the disk,
/// then renamed over the target (an atomic replacement on the same file system). A failure at any point deletes the
/// temporary file and leaves the target as it was.
/// </summary>
internal static class AtomicFile
{
    /// <param name="path">The file to replace or create.</param>
    /// <param name="write">Writes the whole content to the stream it is given.</param>
    /// <param name="wrapStream">For tests: wraps the temporary file's stream (to make a write fail midway); null in use.</param>
    /// <param name="source">Names the file in error messages.</param>
    public static void Write(string path, Action<Stream> write, Func<Stream, Stream>? wrapStream, CheckpointSource source)
    {
        string? temporary = null;
        try
        {
            string full = Path.GetFullPath(path);
            string folder = Path.GetDirectoryName(full) ?? throw source.Error("is not a path to a file.");
            temporary = Path.Combine(folder, "." + Path.GetFileName(full) + "." + Path.GetRandomFileName() + ".tmp");
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                Stream stream = wrapStream is null ? file : wrapStream(file);
                write(stream);
                stream.Flush();
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
            temporary = null;
        }
        catch (CheckpointException)
        {
            throw;
        }
        catch (Exception e)
        {
            throw source.Error($"could not be written ({e.Message}); the previous file, if any, is unchanged.", null, e);
        }
        finally
        {
            if (temporary is not null)
            {
                try
                {
                    File.Delete(temporary);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Nothing more to do: the target is untouched either way.
                }
            }
        }
    }
}
