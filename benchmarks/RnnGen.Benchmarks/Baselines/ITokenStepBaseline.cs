namespace RnnGen.Benchmarks.Baselines;

/// <summary>A hand-written single-step implementation of a token model (one-hot input), compared with the generated kernel.</summary>
public interface ITokenStepBaseline
{
    /// <summary>Sets the recurrent state (h, and c for an LSTM) to zero.</summary>
    void Reset();

    /// <summary>Advances the state by one token (a column gather of W_ih, not a product) and writes OutputSize logits.</summary>
    void Step(int token, float[] logits);
}
