namespace Pmm.Core;

static class ReferenceData
{
    public static Stream Open(string name) =>
        typeof(ReferenceData).Assembly.GetManifestResourceStream($"Pmm.Core.Reference.{name}")
        ?? throw new InvalidOperationException($"Embedded reference file '{name}' is missing from Pmm.Core.");
}
