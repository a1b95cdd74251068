using System;
using System.Runtime.Intrinsics.X86;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Tests.Numerics;

/// <summary>
/// Which kernels ran. .ci/run runs the numeric tests twice, the second time with DOTNET_EnableAVX2=0;
/// this test proves that the second run really took the portable path, and the first the AVX2 path where the processor has it.
/// </summary>
public class KernelPathTests(ITestOutputHelper output)
{
    [Fact]
    public void ActiveKernelPathFollowsTheProcessorAndTheEnvironment()
    {
        bool disabled = Environment.GetEnvironmentVariable("DOTNET_EnableAVX2") == "0" || Environment.GetEnvironmentVariable("DOTNET_EnableHWIntrinsic") == "0";
        KernelPath expected = !disabled && Avx2.IsSupported && Fma.IsSupported ? KernelPath.Avx2Fma : KernelPath.Portable;
        output.WriteLine($"DOTNET_EnableAVX2={Environment.GetEnvironmentVariable("DOTNET_EnableAVX2") ?? "(unset)"}: {CharModel.ActiveKernelPath}");
        Assert.Equal(expected, CharModel.ActiveKernelPath);
        Assert.Equal(expected, WideDense.ActiveKernelPath);
        if (disabled)
            Assert.False(Avx2.IsSupported);
    }
}
