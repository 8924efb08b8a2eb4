using System.Text.Json;

namespace Pmm.Core.Catalogue;

/// <summary>Published reference documents (catalogues, Members reference sets) and when two of them are the same.</summary>
public static class ReferenceDocuments
{
    static readonly JsonDocumentOptions Options = new() { CommentHandling = JsonCommentHandling.Skip };

    /// <summary>
    /// Whether two JSON documents say the same thing: layout, comments and the order of an object's properties do not
    /// count; every value and the order of arrays do. Publishing a version again is idempotent under this equality.
    /// </summary>
    public static bool SameContent(ReadOnlyMemory<byte> a, ReadOnlyMemory<byte> b)
    {
        using var first = JsonDocument.Parse(WithoutBom(a), Options);
        using var second = JsonDocument.Parse(WithoutBom(b), Options);
        return JsonElement.DeepEquals(first.RootElement, second.RootElement);
    }

    static ReadOnlyMemory<byte> WithoutBom(ReadOnlyMemory<byte> utf8) =>
        utf8.Span.StartsWith("\uFEFF"u8) ? utf8[3..] : utf8;
}
