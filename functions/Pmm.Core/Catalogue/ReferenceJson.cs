using System.Text.Json;
using Pmm.Core.Formats;

namespace Pmm.Core.Catalogue;

/// <summary>
/// Reads a reference document (catalogue, Members set) as JSON. Text that is not UTF-8, or an escape of half a character,
/// would fail only when a string is read, with a runtime message; it is refused first, pointing at the place. The
/// parser's own message is for programmers: a refusal says where, in our words.
/// </summary>
static class ReferenceJson
{
    public static T? Deserialize<T>(Stream json, JsonSerializerOptions options, string source, string what)
    {
        using var copy = new MemoryStream();
        json.CopyTo(copy);
        var text = copy.GetBuffer().AsSpan(0, (int)copy.Length);
        if (text.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            text = text[3..];
        }

        if (InvalidUtf8.Find(text) is { } bad)
        {
            throw new CatalogueException($"{source}: not UTF-8 text: line {bad.Line}, byte {bad.ByteInLine} holds the byte 0x{bad.Value:X2}, which UTF-8 does not allow there.");
        }

        if (JsonSubmissionReader.LoneSurrogate(text) is { } lone)
        {
            throw new CatalogueException($"{source}: the string at line {lone.Line}, byte {lone.Byte} has an escape of half a character ({lone.Escape}).");
        }

        try
        {
            return JsonSerializer.Deserialize<T>(text, options);
        }
        catch (JsonException ex)
        {
            throw new CatalogueException($"{source}: not valid {what} JSON at {ex.Path ?? "$"} (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}): check the syntax and the type of the value there.");
        }
    }
}
