using System;
using System.Linq;
using System.CommandLine;

namespace CharRnn;

/// <summary>
/// Trains a character-level model and prints progress and samples: by default a 2-layer LSTM (Adam), or with
/// <c>--cell rnn</c> Karpathy's min-char-rnn (100 tanh units, Adagrad 0.1, clip ±5). With no arguments it trains on
/// its own embedded C# sources. Commands: train (the default), sample, eval, visualize; <c>--help</c> on each.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length > 0 && !args[0].StartsWith('-') && !Cli.Commands.Contains(args[0]))
        {
            Console.Error.WriteLine($"error: unknown command '{args[0]}'; the commands are {string.Join(", ", Cli.Commands)} (see --help)");
            return ExitCodes.Usage;
        }
        ParseResult parsed = Cli.Build().Parse(Cli.WithDefaultCommand(args));
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
                Console.Error.WriteLine($"error: {OneLine(error.Message)} (see --help)");
            return ExitCodes.Usage;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine("error: " + e.Message);
            return ExitCodes.Usage;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bug of this program, not of the input: one line, no stack trace, its own exit code.
            Console.Error.WriteLine($"error: internal error ({e.GetType().Name}: {OneLine(e.Message)}); please report it with the command line");
            return ExitCodes.InternalError;
        }
    }

    /// <summary>A message on one line: System.CommandLine lists the allowed values one per line.</summary>
    private static string OneLine(string message) =>
        string.Join(" ", message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
