using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using CharRnn;
using Xunit;

namespace RnnGen.Tests.Cli;

/// <summary>
/// The visualize command: the text properties a unit is compared with, worked out by hand; the unit search finds a
/// planted unit; the page's colours and data; the command's checks of its arguments. Rendering the page in a real
/// browser is tests/visualize/run.sh (headless Chromium, run by CI).
/// </summary>
public sealed class VisualizeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnngen-visualize-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void TextPropertiesAreWhatTheyNameAfterEachCharacter()
    {
        // index:               0 1 2 3 4 5 6  7 8 9 10 11 12 13 14 15 16
        const string text = "f(\"a\")\n  x{ // y\n";
        double[][] f = Features.Compute(text);
        Assert.Equal(17, text.Length);
        int Index(string name) => Array.IndexOf(Features.Names, name);
        Assert.Equal(new double[] { 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, f[Index("inside double quotes")]);
        Assert.Equal(new double[] { 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, f[Index("inside parentheses")]);
        Assert.Equal(new double[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1 }, f[Index("depth of { } nesting")]);
        Assert.Equal(new double[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0 }, f[Index("inside a // comment")]);
        Assert.Equal(new double[] { 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0 }, f[Index("position in the line")]);
        Assert.Equal(new double[] { 1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0 }, f[Index("inside a word")]);
        Assert.Equal(new double[] { 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0 }, f[Index("in a line's indentation")]);
    }

    [Fact]
    public void CorrelationIsPearsons()
    {
        Assert.Equal(1.0, Features.Correlation(new double[] { 1, 2, 3 }, new double[] { 2, 4, 6 }), 12);
        Assert.Equal(-1.0, Features.Correlation(new double[] { 1, 2, 3 }, new double[] { 5, 3, 1 }), 12);
        // x = (1, 2, 3, 4), y = (1, 3, 2, 4): Σdx·dy = 4, Σdx² = Σdy² = 5, r = 0.8.
        Assert.Equal(0.8, Features.Correlation(new double[] { 1, 2, 3, 4 }, new double[] { 1, 3, 2, 4 }), 12);
        Assert.Equal(0.0, Features.Correlation(new double[] { 1, 1, 1 }, new double[] { 1, 2, 3 }));
    }

    [Fact]
    public void TheUnitSearchFindsAPlantedQuoteUnitAndFillsTheGridWithTheMostActive()
    {
        string text = string.Concat(Enumerable.Repeat("say(\"hello\") and \"bye\" now;\n", 20));
        double[] quoted = Features.Compute(text)[Array.IndexOf(Features.Names, "inside double quotes")];
        var random = new Random(5);
        const int units = 16;
        float[][] activations = new float[text.Length][];
        for (int t = 0; t < text.Length; t++)
        {
            activations[t] = new float[units];
            for (int u = 0; u < units; u++)
                activations[t][u] = (float)(random.NextDouble() - 0.5) * (u == 9 ? 1.8f : 0.05f); // unit 9: loud noise
            activations[t][3] = quoted[t] > 0 ? 0.9f : -0.9f; // unit 3 tracks quotes exactly
        }
        var chosen = VisualizeCommand.ChooseUnits(text, activations, units, 10);
        Assert.Equal(10, chosen.Count);
        Assert.Equal(3, chosen[0].Index);
        Assert.Equal("inside double quotes", chosen[0].Label);
        Assert.Equal(1.0, chosen[0].Correlation, 9);
        Assert.Equal(chosen.Count, chosen.Select(c => c.Index).Distinct().Count());
        Assert.Contains(chosen, c => c.Index == 9);
    }

    [Fact]
    public void ThePageColoursEachCharacterAndCarriesTheDataItsScriptReads()
    {
        // Blue (33, 102, 172) at +1, white at 0, red (178, 24, 43) at −1, linear in between: −0.5 → (216.5, 139.5, 149).
        Assert.Equal("rgb(33,102,172)", ActivationPage.Colour(1f));
        Assert.Equal("rgb(255,255,255)", ActivationPage.Colour(0f));
        Assert.Equal("rgb(217,140,149)", ActivationPage.Colour(-0.5f));
        Assert.Equal("rgb(178,24,43)", ActivationPage.Colour(-3f));

        float[][] activations = { new[] { 1f, -1f }, new[] { 0f, 0.5f }, new[] { -0.5f, 0f } };
        var page = new ActivationPage("a<\n", activations, 2, new[] { new ChosenUnit(1, "inside a word", -0.25) }, 0, "test model").Html();
        Assert.Matches("<div id=\"main\" class=\"text\"><span style=\"background:rgb\\(33,102,172\\)\">a</span><span style=\"background:rgb\\(255,255,255\\)\">&lt;</span><span style=\"background:rgb\\(217,140,149\\)\">\n</span></div>", page);
        Assert.Contains("<h3>unit 1: inside a word (r = -0.25)</h3>", page, StringComparison.Ordinal);
        Assert.Equal(3 + 3 + 0, Regex.Matches(page, "<span style=").Count);
        Assert.Contains("<option value=\"0\" selected>0</option><option value=\"1\">1: inside a word (r = -0.25)</option>", page, StringComparison.Ordinal);
        // round(a × 127) as signed bytes, token-major: 127, −127, 0, 64 (63.5 rounds to even: 64), −64, 0.
        string data = Regex.Match(page, "const DATA = \"([^\"]*)\"").Groups[1].Value;
        Assert.Equal(new sbyte[] { 127, -127, 0, 64, -64, 0 }, Convert.FromBase64String(data).Select(b => unchecked((sbyte)b)).ToArray());
        Assert.Contains("<body data-status=\"loading\">", page, StringComparison.Ordinal);
    }

    [Fact]
    public void VisualizeWritesAPageAndRefusesImpossibleRequests()
    {
        var model = new global::CharRnn.CharVanilla();
        model.InitializeParameters(3);
        string text = string.Concat(Enumerable.Repeat("if (x) { y = \"z\"; } // done\n", 30));
        Checkpoint.Save(model, Path.Combine(_folder, "v.safetensors"), new CheckpointMetadata { Vocabulary = CharVocabulary.Build(text, 96) });
        File.WriteAllText(Path.Combine(_folder, "text.txt"), text);

        var run = CharRnnProcess.Run(_folder, "visualize", "--checkpoint", "v.safetensors", "--text", "text.txt", "--length", "300", "--grid", "5", "--output", "page.html");
        Assert.True(run.Code == 0, run.Error);
        Assert.StartsWith("wrote 'page.html': 300 characters, unit ", run.Out, StringComparison.Ordinal);
        Assert.Equal(5, Regex.Matches(run.Out, @"^  unit +\d+  ", RegexOptions.Multiline).Count);
        string page = File.ReadAllText(Path.Combine(_folder, "page.html"));
        string main = Regex.Match(page, "<div id=\"main\" class=\"text\">(.*?)</div>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Equal(300, Regex.Matches(main, "<span ").Count);
        Assert.Equal(5, Regex.Matches(page, "<div class=\"panel\"").Count);
        Assert.Contains("vanilla RNN (tanh), 100 units; layer 1, hidden state h", page, StringComparison.Ordinal);

        (string Args, string Error)[] refused =
        {
            ("--signal cell", "error: --signal cell needs an LSTM checkpoint (a vanilla RNN has no memory cell); use --signal hidden"),
            ("--layer 2", "error: --layer takes 1 to 1 for this model, not 2"),
            ("--unit 100", "error: --unit takes 0 to 99 for this model, not 100"),
            ("--cell lstm", "error: 'v.safetensors' holds a CharVanilla (--cell rnn), not a CharLstm (--cell lstm)"),
            ("--output /nonexistent/page.html", "error: --output: the folder '/nonexistent' does not exist"),
        };
        foreach (var (args, error) in refused)
        {
            var refusedRun = CharRnnProcess.Run(_folder, new[] { "visualize", "--checkpoint", "v.safetensors", "--text", "text.txt" }.Concat(args.Split(' ')).ToArray());
            Assert.Equal(2, refusedRun.Code);
            Assert.Equal(error, refusedRun.Error.TrimEnd());
        }
    }

    [Theory]
    [InlineData("2", "cell")]
    [InlineData("1", "hidden")]
    [InlineData("2", "hidden")]
    public void ThePageHoldsTheChosenLayersStateAfterEachCharacter(string layer, string signal)
    {
        var model = new global::CharRnn.CharLstm();
        model.InitializeParameters(4);
        string text = "while (x < 10) { x += \"a\".Length; } // loop\n";
        CharVocabulary vocabulary = CharVocabulary.Build(text, 96);
        Checkpoint.Save(model, Path.Combine(_folder, "l.safetensors"), new CheckpointMetadata { Vocabulary = vocabulary });
        File.WriteAllText(Path.Combine(_folder, "t.txt"), text);

        var run = CharRnnProcess.Run(_folder, "visualize", "--checkpoint", "l.safetensors", "--text", "t.txt", "--layer", layer, "--signal", signal, "--output", "p.html");
        Assert.True(run.Code == 0, run.Error);
        string page = File.ReadAllText(Path.Combine(_folder, "p.html"));
        sbyte[] data = Convert.FromBase64String(Regex.Match(page, "const DATA = \"([^\"]*)\"").Groups[1].Value).Select(b => unchecked((sbyte)b)).ToArray();
        Assert.Equal(text.Length * 128, data.Length);

        // The reference reads the state through the generated accessors, H(layer) and C(layer), not through offsets.
        var state = new global::CharRnn.CharLstm.State();
        float[] logits = new float[96];
        int l = int.Parse(layer, System.Globalization.CultureInfo.InvariantCulture) - 1;
        for (int t = 0; t < text.Length; t++)
        {
            model.Step(vocabulary.Encode(text[t]), ref state, logits);
            Span<float> values = signal == "cell" ? state.C(l) : state.H(l);
            for (int u = 0; u < 128; u++)
            {
                float a = signal == "cell" ? MathF.Tanh(values[u]) : values[u];
                Assert.Equal((sbyte)Math.Round(Math.Clamp(a, -1f, 1f) * 127.0), data[t * 128 + u]);
            }
        }
        Assert.Contains($"layer {layer}, {(signal == "cell" ? "tanh of the memory cell c" : "hidden state h")}", page, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEmojiIsDrawnWholeAndTheSpansStillLineUpWithTheCharacters()
    {
        float[][] activations = Enumerable.Range(0, 4).Select(_ => new[] { 0.5f }).ToArray();
        string page = new ActivationPage("a\U0001F600b", activations, 1, new[] { new ChosenUnit(0, "strong activity", 0) }, 0, "m").Html();
        string main = Regex.Match(page, "<div id=\"main\" class=\"text\">(.*?)</div>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Equal(new[] { "a", "&#128512;", "", "b" }, Regex.Matches(main, "<span [^>]*>(.*?)</span>").Select(m => m.Groups[1].Value));
    }
}
