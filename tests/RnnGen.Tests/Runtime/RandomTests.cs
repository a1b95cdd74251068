using System;
using System.Text.Json;
using RnnGen;
using Xunit;

namespace RnnGen.Tests.Runtime;

public sealed class RandomTests
{
    [Fact]
    public void SplitMix64MatchesItsPublishedOutputs()
    {
        // The reference sequence of splitmix64.c started at 0 (Vigna's test vectors, quoted widely).
        ulong state = 0;
        Assert.Equal(0xE220A8397B1DCDAFUL, Xoroshiro128StarStar.SplitMix64(ref state));
        Assert.Equal(0x6E789E6AA1B965F4UL, Xoroshiro128StarStar.SplitMix64(ref state));
        Assert.Equal(0x06C45D188009454FUL, Xoroshiro128StarStar.SplitMix64(ref state));
    }

    [Fact]
    public void GeneratorMatchesTheReferenceImplementation()
    {
        // Fixture outputs come from a separate Python implementation of splitmix64.c and xoroshiro128starstar.c.
        foreach (JsonElement c in OptimizerFixture.Root.GetProperty("random").EnumerateArray())
        {
            var random = new Xoroshiro128StarStar(c.GetProperty("seed").GetInt32());
            JsonElement state = c.GetProperty("state");
            Assert.Equal((OptimizerFixture.Hex(state[0]), OptimizerFixture.Hex(state[1])), random.State);
            foreach (JsonElement output in c.GetProperty("outputs").EnumerateArray())
                Assert.Equal(OptimizerFixture.Hex(output), random.NextUInt64());
        }
    }

    [Fact]
    public void UnitIntervalDrawsUseTheTopBits()
    {
        var a = new Xoroshiro128StarStar(9);
        var b = new Xoroshiro128StarStar(9);
        var c = new Xoroshiro128StarStar(9);
        for (int i = 0; i < 1000; i++)
        {
            ulong bits = a.NextUInt64();
            double d = b.NextDouble();
            float f = c.NextSingle();
            Assert.Equal((double)(bits >> 11) / 9007199254740992.0, d);
            Assert.Equal((float)(bits >> 40) / 16777216f, f);
            Assert.InRange(d, 0.0, 1.0 - 1.0 / 9007199254740992.0);
            Assert.InRange(f, 0f, 1f - 1f / 16777216f);
        }
    }

    [Fact]
    public void StateRestoresThePosition()
    {
        var random = new Xoroshiro128StarStar(5);
        random.NextUInt64();
        var saved = random.State;
        ulong[] first = { random.NextUInt64(), random.NextUInt64(), random.NextUInt64() };
        random.State = saved;
        Assert.Equal(first, new[] { random.NextUInt64(), random.NextUInt64(), random.NextUInt64() });

        random.Reseed(5);
        var fresh = new Xoroshiro128StarStar(5);
        Assert.Equal(fresh.State, random.State);
        Assert.Throws<ArgumentException>("value", () => random.State = (0UL, 0UL));
    }
}
