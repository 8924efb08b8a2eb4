namespace Pmm.Core;

/// <summary>The reference files embedded in <c>Pmm.Core.dll</c>: the default catalogue and Members reference set, and the JSON submission schema.</summary>
public static class ReferenceData
{
    public const string CatalogueFile = "catalogue.json";
    public const string MembersFile = "members.json";

    /// <summary>The JSON Schema (2020-12) of the JSON submission format.</summary>
    public const string SubmissionSchemaFile = "submission.schema.json";

    public static Stream Open(string name) =>
        typeof(ReferenceData).Assembly.GetManifestResourceStream($"Pmm.Core.Reference.{name}")
        ?? throw new InvalidOperationException($"Embedded reference file '{name}' is missing from Pmm.Core.");

    /// <summary>The bytes of an embedded file, as shipped (for serving and comparing the document itself).</summary>
    public static byte[] Read(string name)
    {
        using var stream = Open(name);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
