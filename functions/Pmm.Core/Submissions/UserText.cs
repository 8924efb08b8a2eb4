using System.Globalization;
using System.Text;

namespace Pmm.Core.Submissions;

/// <summary>
/// Text a user wrote, as messages may show it: short, on one line, control characters visible. A finding or an error
/// that echoed a 9 MB item code in full made responses and result blobs as large as the upload.
/// </summary>
public static class UserText
{
    /// <summary>The most characters of user text a message shows; longer text is cut and ends with an ellipsis.</summary>
    public const int MaxShown = 100;

    /// <summary>The text cut to <paramref name="max"/> characters (with "…" when cut), control characters written as \n, \t or \uXXXX.</summary>
    public static string Excerpt(string? text, int max = MaxShown)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }

        var cut = text.Length > max;
        var shown = cut ? text.AsSpan(0, max) : text.AsSpan();
        if (cut && char.IsHighSurrogate(shown[^1]))
        {
            // Never half a character: a lone surrogate cannot be written as UTF-8.
            shown = shown[..^1];
        }

        if (!cut && !shown.ContainsAnyInRange('\0', '\u001F') && !shown.Contains('\u007F'))
        {
            return text;
        }

        var builder = new StringBuilder(shown.Length + 8);
        foreach (var c in shown)
        {
            _ = c switch
            {
                '\n' => builder.Append("\\n"),
                '\r' => builder.Append("\\r"),
                '\t' => builder.Append("\\t"),
                < ' ' or '\u007F' => builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}"),
                _ => builder.Append(c),
            };
        }

        return cut ? builder.Append('…').ToString() : builder.ToString();
    }
}
