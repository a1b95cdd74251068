namespace RnnGen.Benchmarks.Baselines;

/// <summary>A hand-written single-step implementation of one cell, compared with the generated kernel.</summary>
public interface IStepBaseline
{
    /// <summary>Sets the recurrent state (h, and c for an LSTM) to zero.</summary>
    void Reset();

    /// <summary>Advances the state by one input of InputSize floats and writes OutputSize logits.</summary>
    void Step(float[] input, float[] logits);
}
