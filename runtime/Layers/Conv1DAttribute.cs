using System;

namespace RnnGen;

/// <summary>
/// A causal one-dimensional convolution over time in a layer stack: PyTorch's <c>nn.Conv1d(in, channels, kernelSize,
/// dilation = Dilation)</c> with stride 1 and the sequence padded on the left with (kernelSize − 1)·Dilation zeros, so
/// output t sees inputs t − (kernelSize − 1)·Dilation … t, then the activation. It streams: the state keeps the last
/// inputs it needs. Its tensors are <c>layers.{i}.weight</c> [channels, in, kernelSize] and <c>layers.{i}.bias</c> [channels].
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class Conv1DAttribute : Attribute
{
    /// <summary>Declares a causal convolution.</summary>
    /// <param name="channels">Number of output channels.</param>
    /// <param name="kernelSize">Number of taps.</param>
    public Conv1DAttribute(int channels, int kernelSize)
    {
        Channels = channels;
        KernelSize = kernelSize;
    }

    /// <summary>Number of output channels.</summary>
    public int Channels { get; }

    /// <summary>Number of taps.</summary>
    public int KernelSize { get; }

    /// <summary>Spacing of the taps in steps. Default 1.</summary>
    public int Dilation { get; set; } = 1;

    /// <summary>The function applied to every output. Default <see cref="RnnGen.Activation.None"/>.</summary>
    public Activation Activation { get; set; }

    /// <summary>Whether the layer adds a bias. Default true.</summary>
    public bool Bias { get; set; } = true;

    /// <summary>The prefix of the layer's tensor names in place of <c>layers.{i}</c>; letters, digits, '_' and '.' between names.</summary>
    public string? Name { get; set; }
}
