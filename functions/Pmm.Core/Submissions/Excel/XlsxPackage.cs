using System.IO.Compression;
using System.Xml;

namespace Pmm.Core.Submissions.Excel;

/// <summary>
/// The few parts of an .xlsx package that <see cref="ExcelSubmissionReader"/> needs, read straight from the zip with
/// <see cref="XmlReader"/> instead of the Open XML SDK: [Content_Types].xml, the package relationships, the workbook
/// part with its relationships and sheet list, and an <see cref="XmlReader"/> over any part.
/// </summary>
/// <remarks>
/// Parts are found as the SDK (System.IO.Packaging underneath) found them, and a package it refused is refused with its
/// wording: a zip entry is a part only when [Content_Types].xml gives it a content type; part names are compared
/// ignoring case; relationship targets are resolved against their source part; the workbook's relationships must
/// point at existing parts, with the expected content type for worksheets, chartsheets, shared strings, styles and
/// themes. A package with a Strict (ISO 29500) relationship reads the Strict namespaces as the Transitional ones, as
/// the SDK did. Relationships of other parts (drawings, comments, printer settings) are not followed: they are never
/// read. Every part is read with DTDs prohibited, no resolver and at most <see cref="ExcelLimits.MaxUncompressedBytes"/>
/// characters.
/// </remarks>
sealed class XlsxPackage : IDisposable
{
    public const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    const string StrictMain = "http://purl.oclc.org/ooxml/spreadsheetml/main";
    const string RelationshipsNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    const string StrictRelationshipsNamespace = "http://purl.oclc.org/ooxml/officeDocument/relationships";
    const string ContentTypesNamespace = "http://schemas.openxmlformats.org/package/2006/content-types";
    const string PackageRelationshipsNamespace = "http://schemas.openxmlformats.org/package/2006/relationships";
    const string RelationshipsContentType = "application/vnd.openxmlformats-package.relationships+xml";
    const string ContentTypesEntry = "[Content_Types].xml";

    const string OfficeDocumentType = RelationshipsNamespace + "/officeDocument";
    const string WorksheetType = RelationshipsNamespace + "/worksheet";
    const string SharedStringsType = RelationshipsNamespace + "/sharedStrings";

    // The SDK's wording, kept so that the findings built from these messages do not change.
    const string PartMissing = "Specified part does not exist in the package.";
    const string BadRootElement = "Cannot load the root element from the part. The part contains invalid data.";
    const string BadPackage = "Package could not be opened for stream. See inner exception for details and be aware that there are behavior differences in stream support between .NET Framework and Core.";

    /// <summary>The content type the SDK requires of the target of a workbook relationship, by relationship type.</summary>
    static readonly Dictionary<string, string> ExpectedContentTypes = new(StringComparer.Ordinal)
    {
        [WorksheetType] = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml",
        [RelationshipsNamespace + "/chartsheet"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.chartsheet+xml",
        [SharedStringsType] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml",
        [RelationshipsNamespace + "/styles"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml",
        [RelationshipsNamespace + "/theme"] = "application/vnd.openxmlformats-officedocument.theme+xml",
    };

    readonly ZipArchive zip;
    readonly Dictionary<string, Part> parts;
    readonly XmlReaderSettings settings;
    readonly Dictionary<string, Relationship> workbookRelationships = new(StringComparer.Ordinal);
    readonly Dictionary<string, string> relationshipTypes = new(StringComparer.OrdinalIgnoreCase);

    XlsxPackage(ZipArchive zip, Dictionary<string, Part> parts, XmlReaderSettings settings)
    {
        this.zip = zip;
        this.parts = parts;
        this.settings = settings;
    }

    /// <summary>True when the package has a Strict relationship: its parts may then use the Strict namespaces.</summary>
    public bool Strict { get; private set; }

    /// <summary>The sheets of the workbook in order (none when the workbook part is empty or has no sheet list).</summary>
    public IReadOnlyList<SheetEntry> Sheets { get; private set; } = [];

    /// <summary>The shared string part (the first one the workbook refers to), or null.</summary>
    public string? SharedStringsPart { get; private set; }

    /// <summary>
    /// Opens the package and reads its workbook part; null when it has none (not a workbook). Malformed content
    /// throws, as the SDK did.
    /// </summary>
    public static XlsxPackage? Open(Stream stream, ExcelLimits limits)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = limits.MaxUncompressedBytes,
            NameTable = new NameTable(),
            CloseInput = true,
        };
        var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        try
        {
            var package = new XlsxPackage(zip, Parts(zip, settings), settings);
            if (!package.OpenWorkbook())
            {
                zip.Dispose();
                return null;
            }

            return package;
        }
        catch
        {
            zip.Dispose();
            throw;
        }
    }

    public void Dispose() => zip.Dispose();

    /// <summary>True for the SpreadsheetML namespace (and its Strict twin in a Strict package).</summary>
    public bool IsMain(string ns) => ns == Main || (Strict && ns == StrictMain);

    /// <summary>An XML reader over a part that exists.</summary>
    public XmlReader Read(string partName) => XmlReader.Create(parts[partName].Entry.Open(), settings);

    /// <summary>
    /// The worksheet part a workbook relationship id points at, or null when it points at another kind of part;
    /// throws, as the SDK's GetPartById did, when the workbook has no such internal relationship.
    /// </summary>
    public string? WorksheetPart(string id) =>
        workbookRelationships.TryGetValue(id, out var relationship) && !relationship.External
            ? relationship.Type == WorksheetType ? relationship.Target : null
            : throw new ArgumentOutOfRangeException(nameof(id));

    /// <summary>The relationship id of a sheet element (r:id).</summary>
    public string? RelationshipId(XmlReader reader) =>
        reader.GetAttribute("id", RelationshipsNamespace) ?? (Strict ? reader.GetAttribute("id", StrictRelationshipsNamespace) : null);

    /// <summary>
    /// The text of a leaf element (v, f, t) as the SDK read it: the first run of text, CDATA or whitespace directly in
    /// the element, "" when there is none. The reader is on the element's start and is left on its end.
    /// </summary>
    public static string LeafText(XmlReader reader)
    {
        if (reader.IsEmptyElement)
        {
            return "";
        }

        var depth = reader.Depth;
        var text = "";
        while (reader.Read() && reader.Depth > depth)
        {
            if (text.Length == 0 && reader.Depth == depth + 1
                && reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace)
            {
                text = reader.Value;
            }
        }

        return text;
    }

    /// <summary>
    /// Reads the next node of a part's root element; false after the root's end. What follows the root is not read,
    /// as the SDK did not read it.
    /// </summary>
    public static bool ReadInRoot(XmlReader reader) => reader.Read() && reader.Depth > 0;

    /// <summary>Reads the rest of a part's root element, so that it is checked to its end as the SDK did.</summary>
    public static void ReadToEnd(XmlReader reader)
    {
        while (ReadInRoot(reader))
        {
        }
    }

    /// <summary>The zip entries that are parts (those with a content type), by part name ("/xl/workbook.xml"), ignoring case.</summary>
    static Dictionary<string, Part> Parts(ZipArchive zip, XmlReaderSettings settings)
    {
        var parts = new Dictionary<string, Part>(StringComparer.OrdinalIgnoreCase);
        var contentTypes = zip.Entries.FirstOrDefault(e => string.Equals(e.FullName, ContentTypesEntry, StringComparison.OrdinalIgnoreCase));
        if (contentTypes is null)
        {
            return parts;
        }

        var (defaults, overrides) = ReadContentTypes(contentTypes, settings);
        foreach (var entry in zip.Entries)
        {
            var name = entry.FullName;
            if (name.Length == 0 || name.EndsWith('/') || name.Contains('\\', StringComparison.Ordinal) || entry == contentTypes)
            {
                continue;
            }

            var partName = "/" + name;
            var dot = name.LastIndexOf('.');
            var contentType = overrides.GetValueOrDefault(partName)
                ?? (dot > name.LastIndexOf('/') ? defaults.GetValueOrDefault(name[(dot + 1)..]) : null);
            if (contentType is not null && !parts.TryAdd(partName, new Part(entry, contentType)))
            {
                throw new InvalidDataException("Format error in package.");
            }
        }

        return parts;
    }

    static (Dictionary<string, string> Defaults, Dictionary<string, string> Overrides) ReadContentTypes(ZipArchiveEntry entry, XmlReaderSettings settings)
    {
        var defaults = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var overrides = new Dictionary<string, string>(StringComparer.Ordinal);
        using var reader = XmlReader.Create(entry.Open(), settings);
        if (reader.MoveToContent() != XmlNodeType.Element || reader.LocalName != "Types" || reader.NamespaceURI != ContentTypesNamespace)
        {
            throw LineError(reader, "Required Types tag not found.");
        }

        while (reader.Read())
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            var isDefault = reader.LocalName == "Default";
            if (reader.Depth != 1 || reader.NamespaceURI != ContentTypesNamespace || !(isDefault || reader.LocalName == "Override"))
            {
                throw LineError(reader, "Content Types XML does not match schema.");
            }

            var key = reader.GetAttribute(isDefault ? "Extension" : "PartName");
            var contentType = reader.GetAttribute("ContentType");
            if (key is null || contentType is null || !IsContentType(contentType) || (!isDefault && !key.StartsWith('/'))
                || !(isDefault ? defaults : overrides).TryAdd(key, contentType))
            {
                throw new InvalidDataException(BadPackage);
            }
        }

        return (defaults, overrides);
    }

    /// <summary>A media type "type/subtype", optionally with parameters, as System.IO.Packaging accepts it.</summary>
    static bool IsContentType(string value)
    {
        var semicolon = value.IndexOf(';', StringComparison.Ordinal);
        var media = semicolon < 0 ? value : value[..semicolon];
        var slash = media.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && slash < media.Length - 1 && IsToken(media.AsSpan(0, slash)) && IsToken(media.AsSpan(slash + 1));

        static bool IsToken(ReadOnlySpan<char> token)
        {
            foreach (var c in token)
            {
                if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".Contains(c, StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>Finds the workbook part, reads its relationships and sheet list; false when the package has no workbook part.</summary>
    bool OpenWorkbook()
    {
        var packageRelationships = Relationships("/", out var strict);
        Strict = strict;
        var officeDocument = packageRelationships.FirstOrDefault(r => r.Type == OfficeDocumentType && !r.External);
        if (officeDocument is null)
        {
            return false;
        }

        foreach (var relationship in packageRelationships)
        {
            RequirePart(relationship);
        }

        var workbook = officeDocument.Target;
        foreach (var relationship in Relationships(workbook, out _))
        {
            workbookRelationships.Add(relationship.Id, relationship);
            if (RequirePart(relationship) is { } part && ExpectedContentTypes.TryGetValue(relationship.Type, out var expected) && part.ContentType != expected)
            {
                throw new InvalidDataException(
                    $"The document cannot be opened because there is an invalid part with an unexpected content type. \r\n[Part Uri=/{part.Entry.FullName}], \r\n[Content Type={part.ContentType}], \r\n[Expected Content Type={expected}].");
            }

            if (SharedStringsPart is null && relationship.Type == SharedStringsType && !relationship.External)
            {
                SharedStringsPart = relationship.Target;
            }
        }

        // The SDK saw no workbook (hence no sheets) in a part shorter than "<a/>".
        if (parts[workbook].Entry.Length >= 4)
        {
            Sheets = ReadSheets(workbook);
        }

        return true;
    }

    /// <summary>
    /// The part an internal relationship points at; it must exist, and a part that several relationships point at must
    /// be of one relationship type, as the SDK required.
    /// </summary>
    Part? RequirePart(Relationship relationship)
    {
        if (relationship.External)
        {
            return null;
        }

        if (!parts.TryGetValue(relationship.Target, out var part))
        {
            throw new InvalidOperationException(PartMissing);
        }

        if (!relationshipTypes.TryAdd(relationship.Target, relationship.Type) && relationshipTypes[relationship.Target] != relationship.Type)
        {
            throw new InvalidDataException("A shared part is referenced by multiple source parts with a different relationship type.");
        }

        return part;
    }

    /// <summary>The sheet elements of the workbook's first sheet list; the whole part is read.</summary>
    List<SheetEntry> ReadSheets(string workbook)
    {
        var sheets = new List<SheetEntry>();
        using var reader = Read(workbook);
        if (reader.MoveToContent() != XmlNodeType.Element || reader.LocalName != "workbook" || !IsMain(reader.NamespaceURI))
        {
            throw new InvalidDataException(BadRootElement);
        }

        var inSheets = false;
        var sheetsSeen = false;

        // The SDK loaded the workbook part as a document: it is read to its end, root or not.
        while (reader.Read())
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            if (reader.Depth == 1)
            {
                inSheets = !sheetsSeen && reader.LocalName == "sheets" && IsMain(reader.NamespaceURI);
                sheetsSeen |= inSheets;
            }
            else if (reader.Depth == 2 && inSheets && reader.LocalName == "sheet" && IsMain(reader.NamespaceURI))
            {
                sheets.Add(new SheetEntry(reader.GetAttribute("name"), RelationshipId(reader)));
            }
        }

        return sheets;
    }

    /// <summary>
    /// The relationships of a part ("/" for the package), checked as System.IO.Packaging checked them; Strict
    /// relationship types are read as the Transitional ones (<paramref name="strict"/> tells whether any was).
    /// </summary>
    List<Relationship> Relationships(string source, out bool strict)
    {
        strict = false;
        var relationships = new List<Relationship>();
        var folder = source[..(source.LastIndexOf('/') + 1)];
        if (!parts.TryGetValue(folder + "_rels/" + source[folder.Length..] + ".rels", out var part))
        {
            return relationships;
        }

        if (part.ContentType != RelationshipsContentType)
        {
            throw new InvalidDataException("Incorrect content type for PackageRelationship part.");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        using var reader = XmlReader.Create(part.Entry.Open(), settings);
        if (reader.MoveToContent() != XmlNodeType.Element || reader.LocalName != "Relationships" || reader.NamespaceURI != PackageRelationshipsNamespace)
        {
            throw LineError(reader, "Relationships tag expected at root level.");
        }

        while (reader.Read())
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            if (reader.Depth != 1 || reader.LocalName != "Relationship" || reader.NamespaceURI != PackageRelationshipsNamespace)
            {
                throw LineError(reader, "Unrecognized tag found in Relationships XML.");
            }

            var mode = reader.GetAttribute("TargetMode");
            if (NonXmlnsAttributes(reader) != (mode is null ? 3 : 4))
            {
                throw LineError(reader, "Relationship tag contains incorrect attribute.");
            }

            var target = Required(reader, "Target");
            var type = Required(reader, "Type");
            var id = Required(reader, "Id");
            if (mode is not (null or "Internal" or "External"))
            {
                throw LineError(reader, "'TargetMode' attribute value is not valid.");
            }

            if (!IsXsdId(id))
            {
                throw new XmlException($"'{id}' ID is not a valid XSD ID.");
            }

            if (!ids.Add(id))
            {
                throw new XmlException($"'{id}' ID conflicts with the ID of an existing relationship for the specified source.");
            }

            if (type.StartsWith(StrictRelationshipsNamespace + "/", StringComparison.Ordinal))
            {
                type = RelationshipsNamespace + type[StrictRelationshipsNamespace.Length..];
                strict = true;
            }

            var external = mode == "External";
            relationships.Add(new Relationship(id, type, external ? target : Resolve(folder, target), external));
        }

        return relationships;
    }

    static string Required(XmlReader reader, string name) =>
        reader.GetAttribute(name) is { Length: > 0 } value ? value : throw LineError(reader, $"Relationship tag requires attribute '{name}'.");

    static int NonXmlnsAttributes(XmlReader reader)
    {
        var count = 0;
        for (var more = reader.MoveToFirstAttribute(); more; more = reader.MoveToNextAttribute())
        {
            if (reader.Prefix != "xmlns" && reader.Name != "xmlns")
            {
                count++;
            }
        }

        reader.MoveToElement();
        return count;
    }

    static bool IsXsdId(string id)
    {
        try
        {
            XmlConvert.VerifyNCName(id);
            return true;
        }
        catch (XmlException)
        {
            return false;
        }
    }

    /// <summary>The part name a relationship target refers to, from the source part's folder (fragment dropped, "." and ".." applied).</summary>
    static string Resolve(string folder, string targetUri)
    {
        var path = targetUri.Trim();
        if (path.IndexOf('#', StringComparison.Ordinal) is >= 0 and var hash)
        {
            path = path[..hash];
        }

        var segments = new List<string>();
        foreach (var segment in (path.StartsWith('/') ? path : folder + path).Split('/'))
        {
            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }
            }
            else if (segment is not ("" or "."))
            {
                segments.Add(segment);
            }
        }

        var name = "/" + string.Join('/', segments);
        var file = name.LastIndexOf('/');
        if (name.EndsWith(".rels", StringComparison.OrdinalIgnoreCase) && name.AsSpan(0, file).EndsWith("/_rels", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException("PackageRelationship cannot target another PackageRelationship.", nameof(targetUri));
        }

        return name;
    }

    static XmlException LineError(XmlReader reader, string message) => reader is IXmlLineInfo { } info && info.HasLineInfo()
        ? new XmlException(message, null, info.LineNumber, info.LinePosition)
        : new XmlException(message);

    sealed record Part(ZipArchiveEntry Entry, string ContentType);

    sealed record Relationship(string Id, string Type, string Target, bool External);
}

/// <summary>A sheet of the workbook: its name and the id of the relationship to its part (either may be missing).</summary>
sealed record SheetEntry(string? Name, string? RelationshipId);
