using System.Text;

namespace Pmm.Core.Formats;

/// <summary>
/// Where a file stops being UTF-8: the first byte that does not start (or continue) a valid UTF-8 sequence, by line
/// (1-based; LF, CR LF and CR end a line), character and byte within the line, so a finding can point at it.
/// </summary>
internal readonly record struct InvalidUtf8(long Offset, int Line, int Character, int ByteInLine, byte Value)
{
    /// <summary>The first invalid byte from <paramref name="start"/> to the end of the stream, or null when it is all UTF-8.</summary>
    public static InvalidUtf8? Find(Stream stream, long start)
    {
        if (stream is MemoryStream memory && memory.TryGetBuffer(out var buffer))
        {
            return Find(buffer.AsSpan((int)start, (int)(memory.Length - start)));
        }

        stream.Position = start;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return Find(copy.GetBuffer().AsSpan(0, (int)copy.Length));
    }

    /// <summary>The first invalid byte of <paramref name="text"/>, or null when it is all UTF-8.</summary>
    public static InvalidUtf8? Find(ReadOnlySpan<byte> text)
    {
        var at = 0;
        while (at < text.Length)
        {
            var nonAscii = text[at..].IndexOfAnyExceptInRange((byte)0, (byte)0x7F);
            if (nonAscii < 0)
            {
                return null;
            }

            at += nonAscii;
            if (Rune.DecodeFromUtf8(text[at..], out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return At(text, at);
            }

            at += consumed;
        }

        return null;
    }

    static InvalidUtf8 At(ReadOnlySpan<byte> text, int offset)
    {
        var before = text[..offset];
        var lineStart = before.LastIndexOfAny((byte)'\n', (byte)'\r') + 1;
        var line = 1 + before.Count((byte)'\n') + before.Count((byte)'\r') - before.Count("\r\n"u8);
        var character = 1;
        foreach (var b in before[lineStart..])
        {
            // A character starts at every byte that is not a continuation byte (10xxxxxx).
            character += (b & 0xC0) == 0x80 ? 0 : 1;
        }

        return new InvalidUtf8(offset, line, character, offset - lineStart + 1, text[offset]);
    }
}
