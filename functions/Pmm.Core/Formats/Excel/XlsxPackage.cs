using System.IO.Compression;
using System.Xml;
using Pmm.Core.Formats;
using Pmm.Core.Kpis;
using Pmm.Core.Submissions;
using Pmm.Core.Validation;

namespace Pmm.Core.Formats.Excel;

/// <summary>
/// The few parts of an .xlsx package that <see cref="ExcelSubmissionReader"/> needs, read straight from the zip with
/// <see cref="XmlReader"/> instead of the Open XML SDK: [Content_Types].xml, the package relationships, the workbook
/// part with its relationships and sheet list, and an <see cref="XmlReader"/> over any part.
/// </summary>
/// <remarks>
/// Parts are found as the SDK (System.IO.Packaging underneath) found them, and a package it refused when opening it is
/// refused with its wording: [Content_Types].xml and every relationship part reachable from the package are checked as
/// System.IO.Packaging checked them; a zip entry is a part only when it has a valid part name and a content type; part
/// names are compared ignoring case; relationship targets are resolved against their source part and must exist; the
/// workbook's worksheets, chartsheets, shared strings, styles and themes must have their content type (other parts'
/// content types are not checked: their types are not known here). A package with a Strict (ISO 29500) relationship
/// reads the Strict namespaces as the Transitional ones, as the SDK did. Every XML part is read with DTDs prohibited,
/// no resolver and at most <see cref="ExcelLimits.MaxUncompressedBytes"/> characters.
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
    const string MarkupCompatibilityNamespace = "http://schemas.openxmlformats.org/markup-compatibility/2006";

    const string OfficeDocumentType = RelationshipsNamespace + "/officeDocument";
    const string WorksheetType = RelationshipsNamespace + "/worksheet";
    const string SharedStringsType = RelationshipsNamespace + "/sharedStrings";

    // The SDK's wording, kept so that the findings built from these messages do not change.
    const string PartMissing = "Specified part does not exist in the package.";
    const string BadRootElement = "Cannot load the root element from the part. The part contains invalid data.";
    const string BadPackage = "Package could not be opened for stream. See inner exception for details and be aware that there are behavior differences in stream support between .NET Framework and Core.";

    /// <summary>The content type the SDK requires of the target of a package relationship, by relationship type.</summary>
    static readonly Dictionary<string, string> PackageContentTypes = new(StringComparer.Ordinal)
    {
        ["http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"] = "application/vnd.openxmlformats-package.core-properties+xml",
        [RelationshipsNamespace + "/extended-properties"] = "application/vnd.openxmlformats-officedocument.extended-properties+xml",
        [RelationshipsNamespace + "/custom-properties"] = "application/vnd.openxmlformats-officedocument.custom-properties+xml",
    };

    /// <summary>The content type the SDK requires of the target of a workbook relationship, by relationship type.</summary>
    static readonly Dictionary<string, string> WorkbookContentTypes = new(StringComparer.Ordinal)
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

    readonly int maxElements;

    XlsxPackage(ZipArchive zip, Dictionary<string, Part> parts, XmlReaderSettings settings, int maxElements)
    {
        this.zip = zip;
        this.parts = parts;
        this.settings = settings;
        this.maxElements = maxElements;
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
            var package = new XlsxPackage(zip, Parts(zip, settings, limits.MaxElementsPerPart), settings, limits.MaxElementsPerPart);
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
    public XmlReader Read(string partName) => Bounded(XmlReader.Create(parts[partName].Entry.Open(), settings), partName, maxElements);

    /// <summary>A reader that stops at <paramref name="max"/> elements (<see cref="ExcelLimits.MaxElementsPerPart"/>).</summary>
    static BoundedXmlReader Bounded(XmlReader reader, string partName, int max) => new(reader, partName, max);

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

    /// <summary>
    /// The zip entries that are parts (those [Content_Types].xml gives a content type), by part name
    /// ("/xl/workbook.xml", compared ignoring case), each with its content type in System.IO.Packaging's normal form.
    /// </summary>
    static Dictionary<string, Part> Parts(ZipArchive zip, XmlReaderSettings settings, int maxElements)
    {
        var parts = new Dictionary<string, Part>(StringComparer.OrdinalIgnoreCase);

        // As System.IO.Packaging: the last entry so named, in whatever folder.
        var contentTypes = zip.Entries.LastOrDefault(IsContentTypes);
        if (contentTypes is null)
        {
            return parts;
        }

        var (defaults, overrides) = ReadContentTypes(contentTypes, settings, maxElements);
        foreach (var entry in zip.Entries)
        {
            var name = entry.FullName;
            if (name.Length == 0 || name.EndsWith('/') || name.Contains('\\', StringComparison.Ordinal) || IsContentTypes(entry))
            {
                continue;
            }

            var partName = "/" + name;
            if (!IsPartName(partName))
            {
                continue;
            }

            var dot = name.LastIndexOf('.');
            var contentType = overrides.GetValueOrDefault(partName)
                ?? (dot > name.LastIndexOf('/') ? defaults.GetValueOrDefault(name[(dot + 1)..]) : null);
            if (contentType is not null && !parts.TryAdd(partName, new Part(entry, contentType)))
            {
                throw new InvalidDataException("Format error in package.");
            }
        }

        return parts;

        static bool IsContentTypes(ZipArchiveEntry entry) => string.Equals(entry.Name, ContentTypesEntry, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The Default (by extension, ignoring case) and Override (by part name) content types, checked as System.IO.Packaging checked them.</summary>
    static (Dictionary<string, string> Defaults, Dictionary<string, string> Overrides) ReadContentTypes(ZipArchiveEntry entry, XmlReaderSettings settings, int maxElements)
    {
        var defaults = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var overrides = new Dictionary<string, string>(StringComparer.Ordinal);
        var whitespaceIgnored = settings.Clone();
        whitespaceIgnored.IgnoreWhitespace = true;
        using var reader = Bounded(XmlReader.Create(entry.Open(), whitespaceIgnored), "/" + entry.FullName, maxElements);
        VerifyEncoding(reader);
        reader.MoveToContent();
        if (reader.NodeType != XmlNodeType.Element || reader.Depth != 0 || reader.NamespaceURI != ContentTypesNamespace || reader.Name != "Types")
        {
            throw LineError(reader, "Required Types tag not found.");
        }

        if (NonXmlnsAttributes(reader) > 0)
        {
            throw LineError(reader, "Types tag has attributes not valid per the schema.");
        }

        while (reader.Read())
        {
            if (reader.MoveToContent() == XmlNodeType.None)
            {
                continue;
            }

            var isElement = reader.NodeType == XmlNodeType.Element && reader.Depth == 1 && reader.NamespaceURI == ContentTypesNamespace;
            if (isElement && reader.Name is "Default" or "Override")
            {
                var tag = reader.Name;
                var isDefault = tag == "Default";
                if (NonXmlnsAttributes(reader) != 2)
                {
                    throw LineError(reader, $"{tag} tag is not valid per the schema. Verify that attributes are correct.");
                }

                var keyName = isDefault ? "Extension" : "PartName";
                var key = reader.GetAttribute(keyName) ?? throw LineError(reader, $"'{tag}' tag requires attribute '{keyName}'.");
                if (key.Length == 0)
                {
                    throw LineError(reader, $"'{tag}' tag requires a nonempty '{keyName}' attribute.");
                }

                var contentType = reader.GetAttribute("ContentType") ?? throw LineError(reader, $"'{tag}' tag requires attribute 'ContentType'.");

                // Errors System.IO.Packaging raised as ArgumentException: the SDK reported them as a package it could not open.
                if (!IsPartName(isDefault ? "/tempfiles/sample." + key : key)
                    || NormalContentType(contentType) is not { } normal
                    || !(isDefault ? defaults : overrides).TryAdd(key, normal))
                {
                    throw new InvalidDataException(BadPackage);
                }

                if (!reader.IsEmptyElement)
                {
                    reader.Read();
                    if (reader.MoveToContent() != XmlNodeType.EndElement || reader.LocalName != tag)
                    {
                        throw LineError(reader, $"'{tag}' element must be empty.");
                    }
                }
            }
            else if (!(reader.NodeType == XmlNodeType.EndElement && reader.Depth == 0 && reader.Name == "Types"))
            {
                throw LineError(reader, "Content Types XML does not match schema.");
            }
        }

        return (defaults, overrides);
    }

    /// <summary>
    /// A content type in System.IO.Packaging's normal form ("type/subtype ; name=value"), "" for an empty one, null when
    /// it is not a content type (RFC 2616).
    /// </summary>
    static string? NormalContentType(string value)
    {
        const string Lws = " \n\r\t";
        if (value.Length == 0)
        {
            return "";
        }

        // What every producer writes ("application/xml"): its own normal form.
        if (value.IndexOf('/', StringComparison.Ordinal) is > 0 and var plainSlash && plainSlash < value.Length - 1
            && IsToken(value.AsSpan(0, plainSlash)) && IsToken(value.AsSpan(plainSlash + 1)))
        {
            return value;
        }

        if (Lws.Contains(value[0], StringComparison.Ordinal) || Lws.Contains(value[^1], StringComparison.Ordinal))
        {
            return null;
        }

        for (var cr = value.IndexOf('\r', StringComparison.Ordinal); cr >= 0; cr = value.IndexOf('\r', cr + 1))
        {
            if (value[cr - 1] != '\n' && value[cr + 1] != '\n')
            {
                return null;
            }
        }

        var semicolon = value.IndexOf(';', StringComparison.Ordinal);
        var media = (semicolon < 0 ? value.AsSpan() : value.AsSpan(0, semicolon)).TrimEnd(Lws);
        var slash = media.IndexOf('/');
        if (slash < 0 || media[(slash + 1)..].Contains('/') || !IsToken(media[..slash]) || !IsToken(media[(slash + 1)..]))
        {
            return null;
        }

        var normal = new System.Text.StringBuilder().Append(media);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var parameters = semicolon < 0 ? [] : value.AsSpan(semicolon);
        while (!parameters.IsEmpty)
        {
            if (parameters[0] != ';' || parameters.Length == 1)
            {
                return null;
            }

            parameters = parameters[1..].TrimStart(Lws);
            var equals = parameters.IndexOf('=');
            if (equals <= 0 || equals == parameters.Length - 1)
            {
                return null;
            }

            var start = equals + 1;
            int length;
            if (parameters[start] != '"')
            {
                var end = parameters[start..].IndexOf(';');
                var space = parameters[start..].IndexOfAny(Lws);
                length = end < 0 ? parameters.Length - start : space >= 0 && space < end ? space : end;
            }
            else
            {
                var close = start;
                do
                {
                    var next = parameters[(close + 1)..].IndexOf('"');
                    if (next < 0)
                    {
                        return null;
                    }

                    close += next + 1;
                }
                while (parameters[close - 1] == '\\');

                length = close + 1 - start;
            }

            var name = parameters[..equals];
            var parameterValue = parameters.Slice(start, length);
            var quoted = parameterValue.Length >= 2 && parameterValue[0] == '"' && parameterValue[^1] == '"';
            if (!IsToken(name) || (!quoted && !IsToken(parameterValue)) || !names.Add(name.ToString()))
            {
                return null;
            }

            normal.Append(" ; ").Append(name).Append('=').Append(parameterValue);
            parameters = parameters[(start + length)..].TrimStart(Lws);
        }

        return normal.ToString();

        static bool IsToken(ReadOnlySpan<char> token)
        {
            foreach (var c in token)
            {
                if (!char.IsAsciiLetterOrDigit(c) && !"!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return !token.IsEmpty;
        }
    }

    /// <summary>
    /// True for a part name by the Open Packaging Conventions as System.IO.Packaging checks it: "/" then non-empty
    /// segments, not ending in "/", no fragment, escaped as a URI path is.
    /// </summary>
    static bool IsPartName(string name)
    {
        if (IsPlainPartName(name))
        {
            return true;
        }

        if (!Uri.TryCreate(name, UriKind.Relative, out var uri)
            || !Uri.TryCreate(uri.GetComponents(UriComponents.SerializationInfoString, UriFormat.SafeUnescaped), UriKind.Relative, out var unescaped))
        {
            return false;
        }

        var partName = unescaped.GetComponents(UriComponents.SerializationInfoString, UriFormat.UriEscaped);
        if (partName.Length < 2 || partName[0] != '/' || partName[1] == '/' || partName[^1] == '/' || partName.Contains('#', StringComparison.Ordinal))
        {
            return false;
        }

        var wellFormed = new Uri(new Uri("http://defaultcontainer/"), partName).GetComponents(UriComponents.Path | UriComponents.KeepDelimiter, UriFormat.UriEscaped);
        return string.Equals(name, wellFormed, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// A part name as every producer writes them ("/xl/worksheets/sheet1.xml"): "/" then segments of letters, digits
    /// and "-._~", none empty nor starting or ending with a dot. Such a name is valid and is its own resolution as a URI.
    /// </summary>
    static bool IsPlainPartName(string name) =>
        name.Length > 1 && name[0] == '/' && name[1] != '/' && name[^1] != '/'
        && !name.Contains("//", StringComparison.Ordinal) && !name.Contains("/.", StringComparison.Ordinal) && !name.Contains("./", StringComparison.Ordinal)
        && name.AsSpan().IndexOfAnyExcept(PlainPartNameCharacters) < 0;

    static readonly System.Buffers.SearchValues<char> PlainPartNameCharacters =
        System.Buffers.SearchValues.Create("/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>Refuses a package part declared in another encoding than UTF-8 or UTF-16, as System.IO.Packaging did.</summary>
    static void VerifyEncoding(XmlReader reader)
    {
        if (reader.Read() && reader.NodeType == XmlNodeType.XmlDeclaration && reader.Depth == 0
            && reader.GetAttribute("encoding") is { Length: > 0 } encoding
            && !encoding.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !encoding.Equals("utf-16", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException("Encoding format is not supported. Only UTF-8 and UTF-16 are supported.");
        }
    }

    /// <summary>
    /// Finds the workbook part, checks the parts reachable from the package's relationships as the SDK did when it
    /// opened a package, and reads the workbook's sheet list; false when the package has no workbook part.
    /// </summary>
    bool OpenWorkbook()
    {
        var packageRelationships = Relationships("/", out var strict);
        Strict = strict;
        var officeDocument = packageRelationships.FirstOrDefault(r => r.Type == OfficeDocumentType && !r.External);
        if (officeDocument is null)
        {
            return false;
        }

        var workbook = officeDocument.Target;
        Load("/", packageRelationships, workbook, new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "/" });

        // The SDK saw no workbook (hence no sheets) in a part shorter than "<a/>".
        if (parts[workbook].Entry.Length >= 4)
        {
            Sheets = ReadSheets(workbook);
        }

        return true;
    }

    /// <summary>
    /// Checks the targets of a part's relationships (they must exist; the package's properties parts and the workbook's
    /// worksheets, chartsheets, shared strings, styles and themes must have their content type), then theirs, each part
    /// once, in the SDK's order. The workbook's relationships are kept.
    /// </summary>
    void Load(string source, List<Relationship> relationships, string workbook, HashSet<string> loaded)
    {
        var expectedContentTypes = source == "/" ? PackageContentTypes : source == workbook ? WorkbookContentTypes : null;
        foreach (var relationship in relationships)
        {
            if (source == workbook)
            {
                workbookRelationships.Add(relationship.Id, relationship);
            }

            if (RequirePart(relationship) is not { } part)
            {
                continue;
            }

            if (expectedContentTypes is not null && expectedContentTypes.TryGetValue(relationship.Type, out var expected) && part.ContentType != expected)
            {
                throw new InvalidDataException(
                    $"The document cannot be opened because there is an invalid part with an unexpected content type. \r\n[Part Uri=/{part.Entry.FullName}], \r\n[Content Type={part.ContentType}], \r\n[Expected Content Type={expected}].");
            }

            if (source == workbook && SharedStringsPart is null && relationship.Type == SharedStringsType)
            {
                SharedStringsPart = relationship.Target;
            }
        }

        foreach (var relationship in relationships)
        {
            if (!relationship.External && loaded.Add(relationship.Target))
            {
                Load(relationship.Target, Relationships(relationship.Target, out _), workbook, loaded);
            }
        }
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

        if (!string.Equals(part.ContentType, RelationshipsContentType, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException("Incorrect content type for PackageRelationship part.");
        }

        // The SDK first loaded the relationship part of each part it reached as a document, through a text reader (so
        // malformed XML is reported as such, whatever its declared encoding), then let System.IO.Packaging parse it.
        if (source != "/")
        {
            using var text = Bounded(XmlReader.Create(new StreamReader(part.Entry.Open()), settings), "/" + part.Entry.FullName, maxElements);
            while (text.Read())
            {
            }
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        using var reader = Bounded(XmlReader.Create(part.Entry.Open(), settings), "/" + part.Entry.FullName, maxElements);
        VerifyEncoding(reader);
        reader.MoveToContent();
        if (reader.NodeType != XmlNodeType.Element || reader.Depth != 0 || reader.LocalName != "Relationships" || reader.NamespaceURI != PackageRelationshipsNamespace)
        {
            throw LineError(reader, "Relationships tag expected at root level.");
        }

        RefuseXmlBase(reader);
        if (NonXmlnsAttributes(reader) > 0)
        {
            throw LineError(reader, "Relationships tag has extra attributes.");
        }

        while (reader.Read())
        {
            if (reader.MoveToContent() == XmlNodeType.None)
            {
                continue;
            }

            if (reader.NodeType != XmlNodeType.Element || reader.Depth != 1 || reader.LocalName != "Relationship" || reader.NamespaceURI != PackageRelationshipsNamespace)
            {
                if (reader.NodeType == XmlNodeType.EndElement && reader.LocalName == "Relationships")
                {
                    continue;
                }

                throw LineError(reader, "Unrecognized tag found in Relationships XML.");
            }

            RefuseXmlBase(reader);
            var mode = reader.GetAttribute("TargetMode");
            if (NonXmlnsAttributes(reader) != (mode is null ? 3 : 4))
            {
                throw LineError(reader, "Relationship tag contains incorrect attribute.");
            }

            var relationship = ReadRelationship(reader, mode, source, ids, ref strict);
            relationships.Add(relationship);
            if (!reader.IsEmptyElement)
            {
                reader.Read();
                if (reader.MoveToContent() != XmlNodeType.EndElement || reader.LocalName != "Relationship")
                {
                    throw LineError(reader, "'Relationship' element must be empty.");
                }
            }
        }

        return relationships;
    }

    /// <summary>One relationship element, its attributes checked in System.IO.Packaging's order.</summary>
    static Relationship ReadRelationship(XmlReader reader, string? mode, string source, HashSet<string> ids, ref bool strict)
    {
        var targetMode = TargetMode.Internal;
        if (mode is not null)
        {
            try
            {
                targetMode = Enum.Parse<TargetMode>(mode, ignoreCase: false);
            }
            catch (ArgumentException ex)
            {
                throw new XmlException("'TargetMode' attribute value is not valid.", ex, LineNumber(reader), LinePosition(reader));
            }
        }

        var target = Required(reader, "Target");
        var external = targetMode == TargetMode.External;

        // In the package's relationships a malformed target failed as such. In a part's, the SDK rewrote a malformed
        // external target before System.IO.Packaging saw it, and reported a malformed internal one.
        var targetUri = source == "/" ? new Uri(target, UriKind.RelativeOrAbsolute) : Uri.TryCreate(target, UriKind.RelativeOrAbsolute, out var parsed) ? parsed : null;
        if (targetUri is null && !external)
        {
            throw new InvalidDataException("The package contains malformed URI relationships. Please ensure the package is opened with a stream (that is seekable) or a file path to have the SDK automatically handle these scenarios.");
        }

        var type = Required(reader, "Type");
        var id = Required(reader, "Id");
        if (string.IsNullOrWhiteSpace(type))
        {
            throw new ArgumentException("Relationship Type cannot contain only spaces or be empty.");
        }

        if (targetMode is not (TargetMode.Internal or TargetMode.External))
        {
            throw PackagingArgumentOutOfRange("targetMode");
        }

        if (!external && targetUri!.IsAbsoluteUri)
        {
            throw PackagingArgument("PackageRelationship target must be relative URI if TargetMode is Internal.", "targetUri");
        }

        // The part name the target resolves to against its source: ".", "..", escapes, query and fragment as URIs have them
        // (a plain part name, absolute or from the source's folder, needs no URI).
        var resolved = external ? target
            : target[0] == '/' && IsPlainPartName(target) ? target
            : IsPlainPartName("/" + target) ? source[..(source.LastIndexOf('/') + 1)] + target
            : new Uri(new Uri("http://package" + source), targetUri!).AbsolutePath;
        if (!external && resolved.EndsWith('/'))
        {
            throw new ArgumentException(resolved == "/" ? "Part URI is empty." : "Part URI cannot end with a forward slash.");
        }

        var file = resolved.LastIndexOf('/');
        if (!external && resolved.EndsWith(".rels", StringComparison.OrdinalIgnoreCase) && resolved.AsSpan(0, Math.Max(file, 0)).EndsWith("/_rels", StringComparison.OrdinalIgnoreCase))
        {
            throw PackagingArgument("PackageRelationship cannot target another PackageRelationship.", "targetUri");
        }

        try
        {
            XmlConvert.VerifyNCName(id);
        }
        catch (XmlException ex)
        {
            throw new XmlException($"'{id}' ID is not a valid XSD ID.", ex);
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

        return new Relationship(id, type, resolved, external);
    }

#pragma warning disable CA2208 // The parameter names are System.IO.Packaging's, part of its messages kept unchanged.
    static ArgumentException PackagingArgument(string message, string parameter) => new(message, parameter);

    static ArgumentOutOfRangeException PackagingArgumentOutOfRange(string parameter) => new(parameter);
#pragma warning restore CA2208

    static void RefuseXmlBase(XmlReader reader)
    {
        if (reader.GetAttribute("xml:base") is not null)
        {
            throw LineError(reader, "Relationships XML elements cannot specify attribute 'xml:base'.");
        }
    }

    static string Required(XmlReader reader, string name) =>
        reader.GetAttribute(name) is { Length: > 0 } value ? value : throw LineError(reader, $"Relationship tag requires attribute '{name}'.");

    /// <summary>The attributes of an element other than namespace declarations (and, as System.IO.Packaging's reader hid them, markup compatibility ones).</summary>
    static int NonXmlnsAttributes(XmlReader reader)
    {
        var count = 0;
        for (var more = reader.MoveToFirstAttribute(); more; more = reader.MoveToNextAttribute())
        {
            if (reader.Name != "xmlns" && reader.Prefix != "xmlns" && reader.NamespaceURI != MarkupCompatibilityNamespace)
            {
                count++;
            }
        }

        reader.MoveToElement();
        return count;
    }

    static int LineNumber(XmlReader reader) => reader is IXmlLineInfo info ? info.LineNumber : 0;

    static int LinePosition(XmlReader reader) => reader is IXmlLineInfo info ? info.LinePosition : 0;

    static XmlException LineError(XmlReader reader, string message) => new(message, null, LineNumber(reader), LinePosition(reader));

    /// <summary>The target modes of a relationship, parsed as System.IO.Packaging parsed them (Enum.Parse).</summary>
    enum TargetMode
    {
        Internal,
        External,
    }

    sealed record Part(ZipArchiveEntry Entry, string ContentType);

    sealed record Relationship(string Id, string Type, string Target, bool External);
}

/// <summary>A sheet of the workbook: its name and the id of the relationship to its part (either may be missing).</summary>
sealed record SheetEntry(string? Name, string? RelationshipId);
