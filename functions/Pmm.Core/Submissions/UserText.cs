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
    public static string Excerpt(string? text, int max = MaxShown) =>
        text is null ? "" : text.Length <= max && !HasControl(text) ? text : Excerpt(text.AsSpan(), max);

    /// <inheritdoc cref="Excerpt(string?, int)"/>
    public static string Excerpt(ReadOnlySpan<char> text, int max = MaxShown)
    {
        if (text.IsEmpty)
        {
            return "";
        }

        var cut = text.Length > max;
        var shown = cut ? text[..max] : text;
        if (cut && char.IsHighSurrogate(shown[^1]))
        {
            // Never half a character: a lone surrogate cannot be written as UTF-8.
            shown = shown[..^1];
        }

        if (!cut && !HasControl(shown))
        {
            return shown.ToString();
        }

        // The limit is on what is shown: an escaped control character counts as the characters it is written with.
        var builder = new StringBuilder(Math.Min(shown.Length, max) + 8);
        foreach (var c in shown)
        {
            var escaped = c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < ' ' or '\u007F' => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}"),
                _ => null,
            };
            if (builder.Length + (escaped?.Length ?? 1) > max)
            {
                cut = true;
                if (builder.Length > 0 && char.IsHighSurrogate(builder[^1]))
                {
                    builder.Length--;
                }

                break;
            }

            _ = escaped is null ? builder.Append(c) : builder.Append(escaped);
        }

        return cut ? builder.Append('…').ToString() : builder.ToString();
    }

    /// <summary>
    /// A code as read from a file: longer than any code can be (<see cref="Identifiers.MaxCodeLength"/>), it is cut and
    /// ends with "…", so that it is reported as unknown, never matches a real code, and costs nothing to compare.
    /// </summary>
    public static string Code(ReadOnlySpan<char> code) =>
        code.Length <= Identifiers.MaxCodeLength ? code.ToString() : string.Concat(code[..Identifiers.MaxCodeLength], "…");

    /// <inheritdoc cref="Code(ReadOnlySpan{char})"/>
    public static string Code(string code) => code.Length <= Identifiers.MaxCodeLength ? code : Code(code.AsSpan());

    /// <summary>
    /// A reason or comment as read from a file: at most one character more than is kept
    /// (<see cref="Validation.SubmissionValidator.MaxTextLength"/>), enough for the validator to say it is too long
    /// without holding megabytes of it.
    /// </summary>
    public static string LongText(ReadOnlySpan<char> text) =>
        (text.Length <= Validation.SubmissionValidator.MaxTextLength + 1 ? text : text[..(Validation.SubmissionValidator.MaxTextLength + 1)]).ToString();

    /// <inheritdoc cref="LongText(ReadOnlySpan{char})"/>
    public static string LongText(string text) => text.Length <= Validation.SubmissionValidator.MaxTextLength + 1 ? text : LongText(text.AsSpan());

    static bool HasControl(ReadOnlySpan<char> text) => text.ContainsAnyInRange('\0', '\u001F') || text.Contains('\u007F');
}
