using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Text;

namespace CharRnn;

/// <summary>
/// A self-contained HTML page (inline style, script and data; no network) that shows a text with each character's
/// background coloured by a hidden unit's activation after reading it: blue for positive, red for negative, white
/// near zero. A menu picks the unit of the main text (and a link can, with <c>#unit=N</c>); a grid shows the chosen
/// units side by side on the text's start.
/// The page sets <c>data-status="ready"</c> on its body once its script has run, and <c>data-error</c> if a script
/// error happened, so a headless browser can check it.
/// </summary>
internal sealed class ActivationPage(string text, float[][] activations, int units, IReadOnlyList<ChosenUnit> chosen, int shownUnit, string description)
{
    private const int GridCharacters = 500;
    private const double Quantization = 127;

    /// <summary>Writes the page to <paramref name="path"/>, whole or not at all (<see cref="OutputPaths.WriteText"/>).</summary>
    public void Write(string path) => OutputPaths.WriteText(path, Html());

    public string Html()
    {
        var html = new StringBuilder();
        html.Append("""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>RnnGen: what the hidden units track</title>
            <style>
              body { font-family: system-ui, sans-serif; margin: 24px; color: #222; background: #fff; }
              h1 { font-size: 20px; margin: 0 0 4px; }
              .about { color: #555; margin: 0 0 12px; font-size: 13px; }
              .legend { display: inline-block; width: 160px; height: 12px; vertical-align: middle; border: 1px solid #ccc;
                        background: linear-gradient(to right, rgb(178,24,43), #fff, rgb(33,102,172)); }
              .text { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; white-space: pre-wrap;
                      line-height: 1.35; border: 1px solid #ddd; padding: 8px; }
              #main { max-height: 420px; overflow: auto; }
              .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(380px, 1fr)); gap: 14px; margin-top: 10px; }
              .panel h3 { font-size: 13px; margin: 0 0 4px; font-weight: 600; }
              .panel .text { font-size: 10px; max-height: 220px; overflow: hidden; }
            </style>
            </head>
            <body data-status="loading">
            <script>window.addEventListener("error", function (e) { document.body.dataset.error = String(e.message); });</script>
            <h1>What the hidden units track</h1>

            """);
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"about\">{Encode(description)}. Each character's background is the unit's activation after reading it: ");
        html.Append("<span class=\"legend\"></span> −1 … 0 … +1.</p>\n");
        html.Append("<p><label for=\"unit\">unit</label> <select id=\"unit\">");
        var labels = new Dictionary<int, string>();
        foreach (ChosenUnit unit in chosen)
            labels[unit.Index] = Label(unit);
        for (int u = 0; u < units; u++)
        {
            string selected = u == shownUnit ? " selected" : "";
            string label = labels.TryGetValue(u, out string? l) ? $"{u}: {l}" : u.ToString(CultureInfo.InvariantCulture);
            html.Append(CultureInfo.InvariantCulture, $"<option value=\"{u}\"{selected}>{Encode(label)}</option>");
        }
        html.Append("</select></p>\n<div id=\"main\" class=\"text\">");
        AppendSpans(html, shownUnit, text.Length);
        html.Append("</div>\n<h2 style=\"font-size:16px;margin-top:22px\">The units that best track a property of the text</h2>\n<div class=\"grid\">\n");
        foreach (ChosenUnit unit in chosen)
        {
            html.Append(CultureInfo.InvariantCulture, $"<div class=\"panel\" data-unit=\"{unit.Index}\"><h3>unit {unit.Index}: {Encode(Label(unit))}</h3><div class=\"text\">");
            AppendSpans(html, unit.Index, Math.Min(GridCharacters, text.Length));
            html.Append("</div></div>\n");
        }
        html.Append("</div>\n<script>\n");
        html.Append(CultureInfo.InvariantCulture, $"const UNITS = {units}, LENGTH = {text.Length}, SCALE = {Quantization};\n");
        html.Append("const DATA = \"").Append(Convert.ToBase64String(Quantized())).Append("\";\n");
        html.Append("""
            const bytes = Uint8Array.from(atob(DATA), function (c) { return c.charCodeAt(0); });
            const values = new Int8Array(bytes.buffer);
            function colour(a) {
              const k = Math.min(1, Math.abs(a));
              const target = a >= 0 ? [33, 102, 172] : [178, 24, 43];
              return "rgb(" + target.map(function (c) { return Math.round(255 + (c - 255) * k); }).join(",") + ")";
            }
            function show(unit) {
              const spans = document.getElementById("main").children;
              if (spans.length !== LENGTH) throw new Error("the page holds " + spans.length + " characters, expected " + LENGTH);
              for (let t = 0; t < LENGTH; t++) {
                const a = values[t * UNITS + unit] / SCALE;
                spans[t].style.background = colour(a);
                spans[t].title = "unit " + unit + ": " + a.toFixed(2);
              }
              document.body.dataset.unit = String(unit);
            }
            const menu = document.getElementById("unit");
            menu.addEventListener("change", function () { show(Number(menu.value)); history.replaceState(null, "", "#unit=" + menu.value); });
            // A link can name the unit to show: page.html#unit=17.
            const linked = /^#unit=(\d+)$/.exec(location.hash);
            if (linked && Number(linked[1]) < UNITS) {
              menu.value = linked[1];
              menu.dispatchEvent(new Event("change"));
            } else {
              show(Number(menu.value));
            }
            document.body.dataset.spans = String(document.querySelectorAll(".text span").length);
            document.body.dataset.status = "ready";
            </script>
            </body>
            </html>

            """);
        return html.ToString();
    }

    /// <summary>The activations as signed bytes, token-major: round(a × 127).</summary>
    private byte[] Quantized()
    {
        var bytes = new byte[text.Length * units];
        for (int t = 0; t < text.Length; t++)
        {
            for (int u = 0; u < units; u++)
                bytes[t * units + u] = unchecked((byte)(sbyte)Math.Round(Math.Clamp(activations[t][u], -1f, 1f) * Quantization));
        }
        return bytes;
    }

    /// <summary>
    /// One span per UTF-16 unit of the text, as the model reads it; a surrogate pair (an emoji) is drawn whole in the span
    /// of its first half, and the second half's span stays empty, so the spans still line up with the activations.
    /// </summary>
    private void AppendSpans(StringBuilder html, int unit, int length)
    {
        for (int t = 0; t < length; t++)
        {
            char c = text[t];
            string shown = char.IsHighSurrogate(c) && t + 1 < text.Length && char.IsLowSurrogate(text[t + 1]) ? text.Substring(t, 2)
                : char.IsLowSurrogate(c) && t > 0 && char.IsHighSurrogate(text[t - 1]) ? ""
                : c.ToString();
            html.Append(CultureInfo.InvariantCulture, $"<span style=\"background:{Colour(activations[t][unit])}\">{Encode(shown)}</span>");
        }
    }

    /// <summary>The colour of an activation, as the page's script computes it: white at 0, blue toward +1, red toward −1.</summary>
    internal static string Colour(float activation)
    {
        double k = Math.Min(1, Math.Abs(activation));
        (int r, int g, int b) = activation >= 0 ? (33, 102, 172) : (178, 24, 43);
        int Mix(int c) => (int)Math.Round(255 + (c - 255) * k, MidpointRounding.AwayFromZero);
        return $"rgb({Mix(r)},{Mix(g)},{Mix(b)})";
    }

    private static string Label(ChosenUnit unit) =>
        unit.Correlation == 0 ? unit.Label : string.Create(CultureInfo.InvariantCulture, $"{unit.Label} (r = {unit.Correlation:+0.00;-0.00})");

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
