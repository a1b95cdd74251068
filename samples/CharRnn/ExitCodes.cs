namespace CharRnn;

/// <summary>What the process returns; <c>--help</c> lists them too.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Ok = 0;

    /// <summary>Training diverged (a NaN or infinite loss, gradient or parameter); the last good checkpoint is kept.</summary>
    public const int Diverged = 1;

    /// <summary>Bad arguments, an unusable corpus or text file, or a checkpoint that cannot be read, is of the other model or cannot be written.</summary>
    public const int Usage = 2;

    /// <summary>A bug in this program (an exception it did not expect); the message says which.</summary>
    public const int InternalError = 3;

    /// <summary>Interrupted by Ctrl+C (SIGINT) or SIGTERM; a training run saves a checkpoint first when <c>--save</c> was given.</summary>
    public const int Interrupted = 130;

    public const string Help = "exit codes: 0 done; 1 training diverged (the last good checkpoint is kept); 2 bad arguments, an unusable " +
                               "corpus or text, or a checkpoint, plot or page that cannot be read, is of the other model or cannot be written; " +
                               "3 internal error (a bug: please report it); 130 interrupted (Ctrl+C or SIGTERM; training saves first when --save is given)";
}

/// <summary>A problem with the user's input that ends the command with <see cref="ExitCodes.Usage"/> and a one-line message.</summary>
internal sealed class UsageException(string message) : System.Exception(message);
