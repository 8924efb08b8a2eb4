using System.Globalization;
using System.Xml;

namespace Pmm.Core.Formats.Excel;

/// <summary>
/// An <see cref="XmlReader"/> over one part of a package that counts the elements it reads and stops at
/// <see cref="ExcelLimits.MaxElementsPerPart"/>, so that no part, however it compresses, costs more than that to read.
/// Everything else is the inner reader's.
/// </summary>
sealed class BoundedXmlReader(XmlReader inner, string partName, int maxElements) : XmlReader, IXmlLineInfo
{
    int elements;

    public override int AttributeCount => inner.AttributeCount;

    public override string BaseURI => inner.BaseURI;

    public override int Depth => inner.Depth;

    public override bool EOF => inner.EOF;

    public override bool IsEmptyElement => inner.IsEmptyElement;

    public override string LocalName => inner.LocalName;

    public override string Name => inner.Name;

    public override string NamespaceURI => inner.NamespaceURI;

    public override XmlNameTable NameTable => inner.NameTable;

    public override XmlNodeType NodeType => inner.NodeType;

    public override string Prefix => inner.Prefix;

    public override ReadState ReadState => inner.ReadState;

    public override string Value => inner.Value;

    public override bool HasValue => inner.HasValue;

    public override XmlReaderSettings? Settings => inner.Settings;

    public int LineNumber => inner is IXmlLineInfo info ? info.LineNumber : 0;

    public int LinePosition => inner is IXmlLineInfo info ? info.LinePosition : 0;

    public bool HasLineInfo() => inner is IXmlLineInfo info && info.HasLineInfo();

    public override bool Read()
    {
        if (!inner.Read())
        {
            return false;
        }

        if (inner.NodeType == XmlNodeType.Element && ++elements > maxElements)
        {
            throw new ExcelLimitException(
                partName,
                string.Create(CultureInfo.InvariantCulture, $"The part {partName} of the workbook holds more than {maxElements:N0} XML elements, far more than a filled-in template; reading stopped at line {LineNumber}, position {LinePosition}."),
                "Copy your values into a fresh template downloaded for this cycle, without other content, and save it as 'Excel Workbook (*.xlsx)'.");
        }

        return true;
    }

    public override string GetAttribute(int i) => inner.GetAttribute(i);

    public override string? GetAttribute(string name) => inner.GetAttribute(name);

    public override string? GetAttribute(string name, string? namespaceURI) => inner.GetAttribute(name, namespaceURI);

    public override string? LookupNamespace(string prefix) => inner.LookupNamespace(prefix);

    public override bool MoveToAttribute(string name) => inner.MoveToAttribute(name);

    public override bool MoveToAttribute(string name, string? ns) => inner.MoveToAttribute(name, ns);

    public override bool MoveToElement() => inner.MoveToElement();

    public override bool MoveToFirstAttribute() => inner.MoveToFirstAttribute();

    public override bool MoveToNextAttribute() => inner.MoveToNextAttribute();

    public override bool ReadAttributeValue() => inner.ReadAttributeValue();

    public override void ResolveEntity() => inner.ResolveEntity();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>
/// A workbook goes past one of <see cref="ExcelLimits"/> while it is read: reading stops, and the file gets one
/// <see cref="Submissions.RuleIds.FileBeyondLimits"/> finding pointing at the first item past the limit.
/// </summary>
sealed class ExcelLimitException(string pointer, string message, string hint) : Exception(message)
{
    public string Pointer { get; } = pointer;

    public string Hint { get; } = hint;
}

/// <summary>A workbook whose content is damaged in a way that can be pointed at (a sheet's cell or row); the message is for the user.</summary>
sealed class DamagedWorkbookException(string message, string pointer) : Exception(message)
{
    public string Pointer { get; } = pointer;
}
