using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;

namespace RnnGen.Tests.Cli;

/// <summary>samples/CharRnn (copied beside the tests by the project reference) run as a child process, output redirected.</summary>
internal static class CharRnnProcess
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(2);

    /// <summary>The dotnet host running the tests (or "dotnet" on the PATH).</summary>
    public static string Host => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";

    /// <summary>The program's path.</summary>
    public static string Program => Path.Combine(AppContext.BaseDirectory, "CharRnn.dll");

    /// <summary>Runs CharRnn with <paramref name="args"/> in <paramref name="folder"/> and returns its exit code and output.</summary>
    public static (int Code, string Out, string Error) Run(string folder, params string[] args)
    {
        using Process process = Start(folder, args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(s_timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("CharRnn " + string.Join(" ", args) + " ran for more than two minutes.");
        }
        return (process.ExitCode, output.Result, error.Result);
    }

    /// <summary>
    /// Starts CharRnn with <paramref name="args"/> in <paramref name="folder"/>, output redirected, with the variables of
    /// <paramref name="environment"/> set over the test's own.
    /// </summary>
    public static Process Start(string folder, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(Host)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Program);
        foreach (string arg in args)
            start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        return Process.Start(start)!;
    }
}
