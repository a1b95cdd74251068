using System;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace RnnGen;

/// <summary>
/// A character-level vocabulary: a map between characters and token ids in [0, <see cref="Count"/>), sized for a
/// model whose InputSize is <see cref="Capacity"/>.
/// </summary>
/// <remarks>
/// <para>
/// Characters are UTF-16 code units, as <see cref="char"/> is: a character outside the Basic Multilingual Plane
/// (an emoji, say) is two code units, a surrogate pair, and takes two ids. Decoding gives back the same code units,
/// so a round trip of any string is exact when nothing maps to the unknown slot.
/// </para>
/// <para>
/// When a corpus has more distinct characters than the capacity, the last id is an "unknown" slot that every
/// character without an id of its own maps to; it decodes to U+FFFD (the replacement character).
/// </para>
/// </remarks>
public sealed class CharVocabulary
{
    /// <summary>What <see cref="Decode(int)"/> gives for <see cref="UnknownId"/>: U+FFFD, the replacement character.</summary>
    public const char UnknownCharacter = '\uFFFD';

    private const int AsciiCount = 128;

    private readonly string _characters;   // id order
    private readonly char[] _sortedChars;  // ordinal order, for binary search
    private readonly int[] _sortedIds;     // id of _sortedChars[i]
    private readonly int[] _asciiIds;      // id of each ASCII char, or -1

    private CharVocabulary(string characters, int capacity, bool hasUnknown, int unmappedCharacters, int unmappedOccurrences)
    {
        _characters = characters;
        Capacity = capacity;
        UnknownId = hasUnknown ? characters.Length : -1;
        Count = characters.Length + (hasUnknown ? 1 : 0);
        UnmappedCharacterCount = unmappedCharacters;
        UnmappedOccurrenceCount = unmappedOccurrences;

        _sortedChars = characters.ToCharArray();
        _sortedIds = new int[characters.Length];
        for (int i = 0; i < _sortedIds.Length; i++)
            _sortedIds[i] = i;
        Array.Sort(_sortedChars, _sortedIds);

        _asciiIds = new int[AsciiCount];
        _asciiIds.AsSpan().Fill(-1);
        for (int i = 0; i < characters.Length; i++)
        {
            if (characters[i] < AsciiCount)
                _asciiIds[characters[i]] = i;
        }
    }

    /// <summary>
    /// Builds the vocabulary of <paramref name="corpus"/> for a model with <paramref name="capacity"/> input ids.
    /// </summary>
    /// <remarks>
    /// If the corpus has at most <paramref name="capacity"/> distinct characters, each gets an id, in ordinal
    /// (code unit) order. Otherwise the <paramref name="capacity"/> − 1 most frequent characters get ids (ties go to
    /// the lower code unit), again in ordinal order, and id <paramref name="capacity"/> − 1 is the unknown slot; see
    /// <see cref="UnmappedCharacterCount"/> and <see cref="UnmappedOccurrenceCount"/> for what that cost. The result
    /// depends on the corpus only.
    /// </remarks>
    /// <param name="corpus">The text to learn the characters of; not empty.</param>
    /// <param name="capacity">The most ids the vocabulary may use (the model's InputSize); positive, and at least 2 if the corpus has more distinct characters than that.</param>
    /// <exception cref="ArgumentException"><paramref name="corpus"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is too small.</exception>
    public static CharVocabulary Build(ReadOnlySpan<char> corpus, int capacity)
    {
        if (corpus.IsEmpty)
            throw new ArgumentException("The corpus is empty: a vocabulary needs at least one character.", nameof(corpus));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);

        int[] counts = new int[char.MaxValue + 1];
        foreach (char c in corpus)
            counts[c]++;
        int distinct = 0;
        for (int c = 0; c < counts.Length; c++)
        {
            if (counts[c] != 0)
                distinct++;
        }

        if (distinct <= capacity)
        {
            char[] all = new char[distinct];
            int k = 0;
            for (int c = 0; c < counts.Length; c++)
            {
                if (counts[c] != 0)
                    all[k++] = (char)c;
            }
            return new CharVocabulary(new string(all), capacity, hasUnknown: false, 0, 0);
        }

        if (capacity < 2)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity,
                $"The corpus has {distinct} distinct characters; a capacity of 1 leaves no id for any of them beside the unknown slot.");

        // Keys that sort by count descending, then code unit ascending: (int.MaxValue − count) in the high bits.
        ulong[] keys = new ulong[distinct];
        int n = 0;
        for (int c = 0; c < counts.Length; c++)
        {
            if (counts[c] != 0)
                keys[n++] = ((ulong)(uint)(int.MaxValue - counts[c]) << 16) | (uint)c;
        }
        Array.Sort(keys);

        int mapped = capacity - 1;
        char[] chars = new char[mapped];
        for (int i = 0; i < mapped; i++)
            chars[i] = (char)(keys[i] & 0xFFFF);
        Array.Sort(chars);

        int unmappedOccurrences = 0;
        for (int i = mapped; i < distinct; i++)
            unmappedOccurrences += counts[(int)(keys[i] & 0xFFFF)];
        return new CharVocabulary(new string(chars), capacity, hasUnknown: true, distinct - mapped, unmappedOccurrences);
    }

    /// <summary>
    /// Recreates a vocabulary from its characters in id order (as <see cref="Characters"/> gives them), e.g. from a
    /// checkpoint. Character <c>i</c> gets id <c>i</c>; with <paramref name="hasUnknown"/>, id
    /// <c>characters.Length</c> is the unknown slot.
    /// </summary>
    /// <param name="characters">Distinct characters, in id order; not empty.</param>
    /// <param name="capacity">The most ids the vocabulary may use; at least <c>characters.Length</c> (+1 with an unknown slot).</param>
    /// <param name="hasUnknown">Whether characters not in <paramref name="characters"/> map to an unknown slot.</param>
    /// <exception cref="ArgumentNullException"><paramref name="characters"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="characters"/> is empty or repeats a character.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is too small.</exception>
    public static CharVocabulary FromCharacters(string characters, int capacity, bool hasUnknown = false)
    {
        ArgumentNullException.ThrowIfNull(characters);
        if (characters.Length == 0)
            throw new ArgumentException("The character list is empty.", nameof(characters));
        int needed = characters.Length + (hasUnknown ? 1 : 0);
        if (capacity < needed)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity,
                $"{characters.Length} characters{(hasUnknown ? " and an unknown slot" : "")} need a capacity of at least {needed}.");

        char[] sorted = characters.ToCharArray();
        Array.Sort(sorted);
        for (int i = 1; i < sorted.Length; i++)
        {
            if (sorted[i] == sorted[i - 1])
                throw new ArgumentException($"The character {Describe(sorted[i])} appears more than once.", nameof(characters));
        }
        return new CharVocabulary(characters, capacity, hasUnknown, 0, 0);
    }

    /// <summary>The most ids the vocabulary may use: the InputSize of the model it is for.</summary>
    public int Capacity { get; }

    /// <summary>Number of ids in use, the unknown slot included; ids are in [0, <see cref="Count"/>).</summary>
    public int Count { get; }

    /// <summary>Whether characters without an id of their own map to <see cref="UnknownId"/>.</summary>
    public bool HasUnknown => UnknownId >= 0;

    /// <summary>The id of the unknown slot (the last id), or −1 when there is none.</summary>
    public int UnknownId { get; }

    /// <summary>The characters that have ids, in id order (character <c>i</c> has id <c>i</c>); the unknown slot is not in it.</summary>
    public string Characters => _characters;

    /// <summary>
    /// How many distinct characters of the corpus given to <see cref="Build"/> got no id of their own and map to the
    /// unknown slot; 0 when everything fitted, and for a vocabulary made with <see cref="FromCharacters"/>.
    /// </summary>
    public int UnmappedCharacterCount { get; }

    /// <summary>
    /// How many characters of the corpus given to <see cref="Build"/>, counting repeats, map to the unknown slot;
    /// 0 when everything fitted, and for a vocabulary made with <see cref="FromCharacters"/>.
    /// </summary>
    public int UnmappedOccurrenceCount { get; }

    /// <summary>Whether <paramref name="c"/> has an id of its own (a character that maps to the unknown slot does not).</summary>
    public bool Contains(char c) => Find(c) >= 0;

    /// <summary>The id of <paramref name="c"/>: its own, or <see cref="UnknownId"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="c"/> has no id and there is no unknown slot.</exception>
    public int Encode(char c)
    {
        int id = Find(c);
        if (id >= 0)
            return id;
        if (UnknownId >= 0)
            return UnknownId;
        ThrowNotInVocabulary(c, -1, nameof(c));
        return -1;
    }

    /// <summary>Writes the id of each character of <paramref name="text"/> to <paramref name="ids"/>. Does not allocate.</summary>
    /// <param name="text">The text to encode.</param>
    /// <param name="ids">Receives one id per character; same length as <paramref name="text"/>.</param>
    /// <exception cref="ArgumentException">
    /// The lengths differ, or a character has no id and there is no unknown slot (the ids before it are written).
    /// </exception>
    public void Encode(ReadOnlySpan<char> text, Span<int> ids)
    {
        if (ids.Length != text.Length)
            throw new ArgumentException($"ids has {ids.Length} elements; expected {text.Length} (one per character of text).", nameof(ids));
        int unknown = UnknownId;
        for (int i = 0; i < text.Length; i++)
        {
            int id = Find(text[i]);
            if (id < 0)
            {
                if (unknown < 0)
                    ThrowNotInVocabulary(text[i], i, nameof(text));
                id = unknown;
            }
            ids[i] = id;
        }
    }

    /// <summary>The ids of the characters of <paramref name="text"/>, in a new array.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentException">A character has no id and there is no unknown slot.</exception>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int[] ids = new int[text.Length];
        Encode(text.AsSpan(), ids);
        return ids;
    }

    /// <summary>The character with id <paramref name="id"/>; <see cref="UnknownCharacter"/> for the unknown slot.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is not in [0, <see cref="Count"/>).</exception>
    public char Decode(int id)
    {
        if ((uint)id >= (uint)Count)
            ThrowId(id, -1, nameof(id));
        return id == UnknownId ? UnknownCharacter : _characters[id];
    }

    /// <summary>Writes the character of each id to <paramref name="text"/>. Does not allocate.</summary>
    /// <param name="ids">The ids to decode, each in [0, <see cref="Count"/>).</param>
    /// <param name="text">Receives one character per id; same length as <paramref name="ids"/>.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An id is out of range (the characters before it are written).</exception>
    public void Decode(ReadOnlySpan<int> ids, Span<char> text)
    {
        if (text.Length != ids.Length)
            throw new ArgumentException($"text has {text.Length} elements; expected {ids.Length} (one per id).", nameof(text));
        int count = Count, unknown = UnknownId;
        for (int i = 0; i < ids.Length; i++)
        {
            int id = ids[i];
            if ((uint)id >= (uint)count)
                ThrowId(id, i, nameof(ids));
            text[i] = id == unknown ? UnknownCharacter : _characters[id];
        }
    }

    /// <summary>The text of <paramref name="ids"/>, one character per id.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is not in [0, <see cref="Count"/>).</exception>
    public string Decode(ReadOnlySpan<int> ids)
    {
        if (ids.IsEmpty)
            return string.Empty;
        char[] buffer = new char[ids.Length];
        Decode(ids, buffer);
        return new string(buffer);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"CharVocabulary: {Count} of {Capacity} ids{(HasUnknown ? $", unknown = {UnknownId} ({UnmappedCharacterCount} characters, {UnmappedOccurrenceCount} occurrences)" : "")}";

    private int Find(char c)
    {
        if (c < AsciiCount)
            return _asciiIds[c];
        int i = Array.BinarySearch(_sortedChars, c);
        return i >= 0 ? _sortedIds[i] : -1;
    }

    private static string Describe(char c)
    {
        string code = "U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture);
        return char.IsControl(c) || char.IsSurrogate(c) || char.IsWhiteSpace(c) ? code : $"'{c}' ({code})";
    }

    [DoesNotReturn]
    private static void ThrowNotInVocabulary(char c, int index, string argument) =>
        throw new ArgumentException(
            $"The character {Describe(c)}{(index >= 0 ? $" at {argument}[{index}]" : "")} is not in the vocabulary, which has no unknown slot.",
            argument);

    [DoesNotReturn]
    private void ThrowId(int id, int index, string argument) =>
        throw new ArgumentOutOfRangeException(argument, id,
            $"{(index >= 0 ? $"{argument}[{index}] = " : "")}{id} is not an id of this vocabulary, which has ids 0 to {Count - 1}.");
}
