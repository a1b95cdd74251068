using System;
using RnnGen.Kernels;
using Xunit;

namespace RnnGen.Tests.Numerics;

[RnnModel(CellKind.Rnn, 4, 12, 3, Input = InputKind.Dense)] public partial class FloorRnn;
[RnnModel(CellKind.RnnRelu, 4, 12, 3, Input = InputKind.Dense)] public partial class FloorRelu;
[RnnModel(CellKind.Lstm, 4, 12, 3, Input = InputKind.Dense)] public partial class FloorLstm;
[RnnModel(CellKind.Gru, 4, 12, 3, Input = InputKind.Dense)] public partial class FloorGru;

/// <summary>
/// Denormal hygiene: with zero biases and zero inputs the state decays geometrically toward zero. On the way it must
/// never hold a subnormal float (slow on x86, and .NET cannot set flush-to-zero) nor anything below
/// <see cref="VectorMath.StateFloor"/>: it goes from values at or above the floor straight to exactly zero. NaN is
/// not floored away. Hidden size 12 runs both the eight-lane loop and the scalar tail; .ci/run repeats these tests on
/// the portable path.
/// </summary>
public class StateFloorTests
{
    private const int Steps = 4000;

    [Fact]
    public void TanhRnnStateReachesZeroWithoutTinyValues() => AssertDecaysCleanly<FloorRnn, FloorRnn.State>(0.5f);

    [Fact]
    public void ReluRnnStateReachesZeroWithoutTinyValues() => AssertDecaysCleanly<FloorRelu, FloorRelu.State>(0.5f);

    [Fact]
    public void LstmStateReachesZeroWithoutTinyValues() => AssertDecaysCleanly<FloorLstm, FloorLstm.State>(1f);

    [Fact]
    public void GruStateReachesZeroWithoutTinyValues() => AssertDecaysCleanly<FloorGru, FloorGru.State>(1f);

    [Fact]
    public void ValuesAtTheFloorAndNaNAreKept()
    {
        Assert.Equal(VectorMath.StateFloor, VectorMath.FloorState(VectorMath.StateFloor));
        Assert.Equal(-VectorMath.StateFloor, VectorMath.FloorState(-VectorMath.StateFloor));
        Assert.Equal(0f, VectorMath.FloorState(VectorMath.StateFloor * 0.99f));
        Assert.Equal(0f, VectorMath.FloorState(1e-40f));
        Assert.True(float.IsNaN(VectorMath.FloorState(float.NaN)));
        Assert.Equal(float.NegativeInfinity, VectorMath.FloorState(float.NegativeInfinity));
        Assert.Equal(VectorMath.StateFloor, MathF.ScaleB(1f, -64)); // the documented 2^-64

        var model = new FloorLstm();
        model.InitializeParameters(5);
        var state = new FloorLstm.State();
        state.H(0)[3] = float.NaN;
        model.Step(new float[FloorLstm.InputSize], ref state, new float[FloorLstm.OutputSize]);
        Assert.True(float.IsNaN(state.H(0)[0]), "a NaN in h reaches every unit through W_hh and must stay NaN");
    }

    private static void AssertDecaysCleanly<TModel, TState>(float recurrentScale)
        where TModel : IDenseRnnModel<TState>, new()
        where TState : struct, IRnnState
    {
        var model = new TModel();
        model.InitializeParameters(11);
        foreach (ParameterInfo p in model.Layout)
        {
            Span<float> values = model.Parameter(p.Name);
            if (p.Name.StartsWith("bias", StringComparison.Ordinal))
                values.Clear();
            else if (p.Name == "weight_hh_l0")
                foreach (ref float w in values)
                    w *= recurrentScale;
        }

        var random = new Random(7);
        float[] packed = new float[default(TState).Length];
        for (int i = 0; i < packed.Length; i++)
            packed[i] = (float)(random.NextDouble() * 2 - 1);
        var state = new TState();
        state.CopyFrom(packed);
        float[] input = new float[model.InputSize];
        float[] logits = new float[model.OutputSize];

        float smallestSeen = float.PositiveInfinity;
        int step = 0;
        for (; step < Steps; step++)
        {
            model.Step(input, ref state, logits);
            state.CopyTo(packed);
            bool allZero = true;
            foreach (float v in packed)
            {
                Assert.True(float.IsFinite(v), $"step {step}: {v}");
                if (v == 0)
                    continue;
                allZero = false;
                Assert.True(MathF.Abs(v) >= VectorMath.StateFloor, $"step {step}: a state value {v:E3} is below the floor (subnormal: {float.IsSubnormal(v)})");
                smallestSeen = MathF.Min(smallestSeen, MathF.Abs(v));
            }
            if (allZero)
                break;
        }
        Assert.True(step < Steps, $"the state did not reach zero in {Steps} steps");
        // The decay really came down to the floor's neighbourhood (so the assertion above was exercised), not to zero in one jump.
        Assert.InRange(smallestSeen, VectorMath.StateFloor, 1e-15f);
    }
}
