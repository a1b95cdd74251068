using System;
using AmpSample;

// Trains a small RnnGen layer stack to imitate a synthetic guitar amp; see README.md and AmpProgram.Help.
return AmpProgram.Run(args, Console.Out, Console.Error);
