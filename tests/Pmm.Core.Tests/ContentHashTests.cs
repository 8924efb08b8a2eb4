using System.Text;
using Pmm.Core.Catalogue;
using Pmm.Core.Formats;
using Pmm.Core.Kpis;
using Pmm.Core.Submissions;
using Pmm.Core.Validation;

namespace Pmm.Core.Tests;

public class ContentHashTests
{
    static readonly KpiCatalogue Catalogue = KpiCatalogue.LoadEmbedded();

    static string Hash(string mediaType, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return SubmissionFormats.ContentHash(SubmissionFormats.Read(mediaType, new MemoryStream(bytes)), bytes, Catalogue);
    }

    // The same data as comma CSV, semicolon/decimal-comma CSV, reordered CSV and JSON has one hash.
    [Fact]
    public void ContentHash_SameDataAnyFormat_SameHash()
    {
        var csv = Hash(SubmissionFormats.Csv, TestData.ValidCsv());
        var european = Hash(SubmissionFormats.Csv, TestData.ValidCsv(";").Replace("5000000.5", "5.000.000,50", StringComparison.Ordinal).Replace("2500000.25", "2500000,25", StringComparison.Ordinal));
        var reordered = Hash(SubmissionFormats.Csv, "value,item,year\n" + string.Join('\n', TestData.ValidCsv().Split('\n').Skip(1).Where(l => l.Length > 0).Reverse().Select(l => { var p = l.Split(','); return $"{p[2]},{p[0].ToLowerInvariant()},{p[1]}"; })));
        var json = Hash(SubmissionFormats.Json, JsonSubmissionReaderTests.ValidJson());

        Assert.Equal(csv, european);
        Assert.Equal(csv, reordered);
        Assert.Equal(csv, json);
    }

    // Choosing a KPI's default disclosure level explicitly is the same data as not choosing; choosing another level, a comment or a state is not.
    [Fact]
    public void ContentHash_DisclosureStatesComments_CountAsData()
    {
        var plain = Hash(SubmissionFormats.Csv, TestData.ValidCsv());
        var tf01 = Catalogue.Kpis.Single(k => k.Code == "TF-01").Disclosure;
        var other = Catalogue.DisclosureLevels.First(l => l != tf01);
        var withDisclosure = TestData.ValidCsv().Replace("item,year,value", "item,year,value,disclosure", StringComparison.Ordinal);

        Assert.Equal(plain, Hash(SubmissionFormats.Csv, withDisclosure + $"TF-01,,,{tf01!.ToUpperInvariant()}\n"));
        Assert.NotEqual(plain, Hash(SubmissionFormats.Csv, withDisclosure + $"TF-01,,,{other}\n"));
        Assert.NotEqual(plain, Hash(SubmissionFormats.Csv, TestData.ValidCsv().Replace("item,year,value", "item,year,value,comment", StringComparison.Ordinal) + "DECL_TOTAL,,,estimate\n"));
        Assert.NotEqual(plain, Hash(SubmissionFormats.Csv, TestData.ValidCsv().Replace("item,year,value", "item,year,value,status", StringComparison.Ordinal) + "SHIPMENTS_ECOM,2025,,not available\n"));
    }

    // Different data, or two different broken files, never share a hash.
    [Fact]
    public void ContentHash_DifferentOrBroken_Differs()
    {
        var csv = Hash(SubmissionFormats.Csv, TestData.ValidCsv());

        Assert.NotEqual(csv, Hash(SubmissionFormats.Csv, TestData.ValidCsv().Replace("985", "986", StringComparison.Ordinal)));
        Assert.NotEqual(Hash(SubmissionFormats.Csv, "item,year,value\nDECL_TOTAL,2025,1x\n"), Hash(SubmissionFormats.Csv, "item,year,value\nDECL_TOTAL,2025,2x\n"));
    }
}
