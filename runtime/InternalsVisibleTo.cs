using System.Runtime.CompilerServices;

// The tests check internal numerics (DeterministicMath) directly against the platform's math library.
[assembly: InternalsVisibleTo("RnnGen.Tests")]
