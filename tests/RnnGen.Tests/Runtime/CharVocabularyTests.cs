using System;
using RnnGen;
using Xunit;

namespace RnnGen.Tests.Runtime;

public sealed class CharVocabularyTests
{
    [Fact]
    public void IdsFollowOrdinalOrderWhenEverythingFits()
    {
        // "hello world": ' ' d e h l o r w — 8 distinct characters, by code unit.
        var v = CharVocabulary.Build("hello world", 10);
        Assert.Equal(" dehlorw", v.Characters);
        Assert.Equal(8, v.Count);
        Assert.Equal(10, v.Capacity);
        Assert.False(v.HasUnknown);
        Assert.Equal(-1, v.UnknownId);
        Assert.Equal(0, v.UnmappedCharacterCount);
        Assert.Equal(0, v.UnmappedOccurrenceCount);
        Assert.Equal(new[] { 3, 2, 4, 4, 5, 0, 7, 5, 6, 4, 1 }, v.Encode("hello world"));
        Assert.Equal(0, v.Encode(' '));
        Assert.Equal('w', v.Decode(7));
        Assert.True(v.Contains('h'));
        Assert.False(v.Contains('x'));
    }

    [Fact]
    public void RoundTripsText()
    {
        const string text = "The quick brown fox — jumps over the lazy dog! Ünïcödé ✓ 123\n\ttabs";
        var v = CharVocabulary.Build(text, 100);
        Assert.Equal(text, v.Decode(v.Encode(text)));

        Span<int> ids = stackalloc int[text.Length];
        v.Encode(text, ids);
        Span<char> back = stackalloc char[text.Length];
        v.Decode(ids, back);
        Assert.Equal(text, back.ToString());
        Assert.Equal(string.Empty, v.Decode(ReadOnlySpan<int>.Empty));
    }

    [Fact]
    public void SurrogatePairsAreTwoCodeUnits()
    {
        const string text = "a😀b"; // U+1F600 is the pair D83D DE00
        var v = CharVocabulary.Build(text, 8);
        Assert.Equal(4, v.Count);
        Assert.Equal("ab\uD83D\uDE00", v.Characters);
        int[] ids = v.Encode(text);
        Assert.Equal(new[] { 0, 2, 3, 1 }, ids);
        Assert.Equal(text, v.Decode(ids));
    }

    [Fact]
    public void OverflowKeepsTheMostFrequentAndMapsTheRestToUnknown()
    {
        // Counts: a 4, b 3, c 2, d 1, e 1. Capacity 3 keeps a and b; c, d, e (4 occurrences) become unknown (id 2).
        const string corpus = "aaaabbbccde";
        var v = CharVocabulary.Build(corpus, 3);
        Assert.Equal("ab", v.Characters);
        Assert.True(v.HasUnknown);
        Assert.Equal(2, v.UnknownId);
        Assert.Equal(3, v.Count);
        Assert.Equal(3, v.UnmappedCharacterCount);
        Assert.Equal(4, v.UnmappedOccurrenceCount);
        Assert.Equal(new[] { 0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2 }, v.Encode(corpus));
        Assert.Equal(2, v.Encode('z')); // never seen: unknown too
        Assert.False(v.Contains('c'));
        Assert.Equal(CharVocabulary.UnknownCharacter, v.Decode(2));
        Assert.Equal("aab\uFFFD\uFFFD", v.Decode(v.Encode("aabcz")));
    }

    [Fact]
    public void FrequencyTiesGoToTheLowerCodeUnit()
    {
        // a, b, c twice each, x once: capacity 3 keeps the two most frequent, a and b (c ties with them but is later).
        var v = CharVocabulary.Build("ccbbaax", 3);
        Assert.Equal("ab", v.Characters);
        Assert.Equal(2, v.UnmappedCharacterCount);
        Assert.Equal(3, v.UnmappedOccurrenceCount);

        // The most frequent character is kept even if it sorts last; ids are still in ordinal order.
        var w = CharVocabulary.Build("zzzzzyyyab", 3);
        Assert.Equal("yz", w.Characters);
        Assert.Equal(0, w.Encode('y'));
        Assert.Equal(1, w.Encode('z'));
    }

    [Fact]
    public void BuildIsDeterministic()
    {
        var random = new Random(11);
        var corpus = new char[5000];
        for (int i = 0; i < corpus.Length; i++)
            corpus[i] = (char)(0x20 + (int)(Math.Pow(random.NextDouble(), 3) * 200));
        var a = CharVocabulary.Build(corpus, 40);
        var b = CharVocabulary.Build(new string(corpus), 40);
        Assert.Equal(a.Characters, b.Characters);
        Assert.Equal(a.UnmappedOccurrenceCount, b.UnmappedOccurrenceCount);
        Assert.Equal(39, a.Characters.Length);

        // And it is the hand-computable answer: count, order by (count desc, char asc), keep 39, sort.
        var counts = new int[65536];
        foreach (char c in corpus)
            counts[c]++;
        var order = new System.Collections.Generic.List<char>();
        for (int c = 0; c < counts.Length; c++)
            if (counts[c] > 0)
                order.Add((char)c);
        order.Sort((x, y) => counts[x] != counts[y] ? counts[y].CompareTo(counts[x]) : x.CompareTo(y));
        var kept = order.GetRange(0, 39).ToArray();
        Array.Sort(kept);
        Assert.Equal(new string(kept), a.Characters);
        int unmapped = 0;
        for (int i = 39; i < order.Count; i++)
            unmapped += counts[order[i]];
        Assert.Equal(unmapped, a.UnmappedOccurrenceCount);
        Assert.Equal(order.Count - 39, a.UnmappedCharacterCount);
    }

    [Fact]
    public void FromCharactersRestoresAVocabulary()
    {
        var built = CharVocabulary.Build("aaaabbbccde", 3);
        var restored = CharVocabulary.FromCharacters(built.Characters, built.Capacity, built.HasUnknown);
        Assert.Equal(built.Characters, restored.Characters);
        Assert.Equal(built.UnknownId, restored.UnknownId);
        Assert.Equal(built.Count, restored.Count);
        Assert.Equal(built.Encode("abcde"), restored.Encode("abcde"));

        // Any order: character i gets id i, ASCII or not.
        var custom = CharVocabulary.FromCharacters("zä a", 10);
        Assert.Equal(new[] { 0, 1, 2, 3 }, custom.Encode("zä a"));
        Assert.Equal('ä', custom.Decode(1));
        Assert.Equal(4, custom.Count);
        Assert.False(custom.HasUnknown);
    }

    [Fact]
    public void MissingCharacterWithoutUnknownSlotIsNamed()
    {
        var v = CharVocabulary.Build("abc", 5);
        var e = Assert.Throws<ArgumentException>("c", () => v.Encode('x'));
        Assert.Contains("'x' (U+0078)", e.Message);
        var e2 = Assert.Throws<ArgumentException>("text", () => v.Encode("abx"));
        Assert.Contains("U+0078", e2.Message);
        Assert.Contains("text[2]", e2.Message);
        var e3 = Assert.Throws<ArgumentException>("c", () => v.Encode('\n'));
        Assert.Contains("U+000A", e3.Message);
    }

    [Fact]
    public void BadArgumentsThrow()
    {
        Assert.Throws<ArgumentException>("corpus", () => CharVocabulary.Build(ReadOnlySpan<char>.Empty, 4));
        Assert.Throws<ArgumentOutOfRangeException>("capacity", () => CharVocabulary.Build("abc", 0));
        Assert.Throws<ArgumentOutOfRangeException>("capacity", () => CharVocabulary.Build("abc", 1));
        Assert.Equal("a", CharVocabulary.Build("aaa", 1).Characters);

        Assert.Throws<ArgumentNullException>("characters", () => CharVocabulary.FromCharacters(null!, 4));
        Assert.Throws<ArgumentException>("characters", () => CharVocabulary.FromCharacters("", 4));
        var duplicate = Assert.Throws<ArgumentException>("characters", () => CharVocabulary.FromCharacters("abca", 4));
        Assert.Contains("'a' (U+0061)", duplicate.Message);
        Assert.Throws<ArgumentOutOfRangeException>("capacity", () => CharVocabulary.FromCharacters("abc", 2));
        Assert.Throws<ArgumentOutOfRangeException>("capacity", () => CharVocabulary.FromCharacters("abc", 3, hasUnknown: true));

        var v = CharVocabulary.Build("abc", 5);
        Assert.Throws<ArgumentOutOfRangeException>("id", () => v.Decode(3));
        Assert.Throws<ArgumentOutOfRangeException>("id", () => v.Decode(-1));
        var bad = Assert.Throws<ArgumentOutOfRangeException>("ids", () => v.Decode(new[] { 0, 7 }));
        Assert.Contains("ids[1] = 7", bad.Message);
        Assert.Throws<ArgumentException>("ids", () => v.Encode("abc", new int[2]));
        Assert.Throws<ArgumentException>("text", () => v.Decode(new[] { 0, 1 }, new char[3]));
        Assert.Throws<ArgumentNullException>("text", () => v.Encode((string)null!));
    }
}
