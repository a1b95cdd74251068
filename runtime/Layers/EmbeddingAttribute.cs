using System;

namespace RnnGen;

/// <summary>
/// A learned embedding of token ids, PyTorch's <c>nn.Embedding(InputSize, size)</c>: the first layer of a token-input
/// layer stack only. Its tensor is <c>layers.{i}.weight</c> [InputSize, size].
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class EmbeddingAttribute : Attribute
{
    /// <summary>Declares an embedding of <paramref name="size"/> features per token.</summary>
    /// <param name="size">Width of each token's vector.</param>
    public EmbeddingAttribute(int size)
    {
        Size = size;
    }

    /// <summary>Width of each token's vector.</summary>
    public int Size { get; }

    /// <summary>The prefix of the layer's tensor name in place of <c>layers.{i}</c>; letters, digits, '_' and '.' between names.</summary>
    public string? Name { get; set; }
}
