using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pmm.Functions.Auth;

namespace Pmm.Load;

/// <summary>
/// The request number <c>index</c> of a fuzz run with a given seed: a pure function of (seed, index) and the
/// set-up's seed files, so any request of a report can be sent again alone (<c>--replay N</c>).
/// </summary>
sealed class FuzzPlan(SetUp setUp, Tokens tokens, int seed)
{
    public const string Validate = "validate";
    public const string Upload = "upload";
    public const string Route = "route";
    public const string Token = "token";
    public const string CycleBody = "cycle-body";
    public const string DeadlineBody = "deadline-body";
    public const string Query = "query";
    public const string Reference = "reference";

    /// <summary>Share of each class in a run, in percent.</summary>
    static readonly (string Class, int Weight)[] Classes =
    [
        (Validate, 38), (Upload, 20), (Route, 12), (Token, 10), (CycleBody, 8), (DeadlineBody, 5), (Query, 5), (Reference, 2),
    ];

    /// <summary>A deadline far enough away that a cycle opened with it stays open through any run.</summary>
    const string FarDeadline = "2030-12-31T23:59:59Z";

    const int ThirtyMegabytes = 30 << 20;

    static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    static readonly UTF8Encoding Utf8 = new(false);

    /// <summary>Member codes as they go on the wire (percent-encoded where they must be).</summary>
    static readonly string[] MemberValues =
    [
        "KEN", "ken", "Ken", "kEN", "KEn", "KEN%0A", "KEN%0D%0A", "%0AKEN", "KEN%00", "KEN%20", "%20KEN", "KEN%09", "..", "%2E%2E", ".", "%2E",
        "K%C3%89N", "%D0%9A%D0%95%D0%9D", "KEN%E2%80%8B", "%EF%BC%AB%EF%BC%A5%EF%BC%AE", "%F0%9F%98%80", "%FF%FE", "%C0%AF", "KEN%2F..%2FFRA",
        "KEN%2FFRA", "%25", "%2525", "KEN;x=1", "~", "XXX", "ZZZ", "FRA", "fra", "K", "KENY", "KE%20N", "-1", "0", "null", "%7B%7D", "KEN%3F", "KEN%23",
        Long('K', 300), Long('K', 2000), Long('K', 9000),
    ];

    static readonly string[] CycleValues =
    [
        "fuzz", "FUZZ", "Fuzz", "fuzz%0A", "fuzz%20", "..", "%2E%2E", "fuzz%00", "nope", "~", "%25", "%D1%86%D0%B8%D0%BA%D0%BB", "fuzz%2F..", "2026", "-1",
        "fuzz%E2%80%8B", "%FF", Long('c', 300), Long('c', 9000),
    ];

    static readonly string[] CloseValues = ["fuzz-close", "FUZZ-CLOSE", "Fuzz-Close", "fuzz-close%0A", "fuzz-close%20", "fuzz-close%00", "fuzz-close%E2%80%8B"];

    static readonly string[] SubmissionIds = ["0123456789abcdef0123456789abcdef", "..", "%2E%2E", "%0A", "0", "-1", "%F0%9F%98%80", "abc%00", "*", "%2A", Long('s', 300), Long('s', 5000)];

    static readonly string[] VersionValues = ["x", "x%0A", "%2E%2E", "..", "2027.1", "2026.1", "a%2Fb", "%F0%9F%98%80", "v%23", "v%3Fq", "2026.1%0A", "%20", Long('v', 300), Long('v', 5000)];

    static readonly string[] StatusValues = ["7", "-1", "0", "1", "2", "provisional", "final", "Final", "PROVISIONAL", "%20final", "final%0A", "1e9", "99999999999999999999", "", "%00", "provisional,final", "%FF", Long('f', 5000)];

    static readonly string[] AudienceValues = ["x", "public", "wco", "restricted", "Restricted", "WCO", "", "%0A", "0", "-1", "2", "99", "public,restricted", "%E2%80%8Bpublic", Long('p', 5000)];

    static readonly string[] OddContentTypes = ["", "application/octet-stream", "multipart/form-data; boundary=x", "text/csv; charset=utf-16", "application/json; charset=iso-8859-1", "application/vnd.ms-excel", "text/csv;;;", "application/json; charset=\"", "*/*", "text/html"];

    public LoadRequest Plan(int index)
    {
        var r = new Random(Mix(seed, index));
        var roll = r.Next(100);
        var cls = Classes[0].Class;
        foreach (var (c, weight) in Classes)
        {
            if ((roll -= weight) < 0)
            {
                cls = c;
                break;
            }
        }

        return cls switch
        {
            Validate or Upload => FileRequest(r, cls),
            Route => RouteRequest(r, index),
            Token => TokenRequest(r),
            CycleBody => CycleBodyRequest(r, index),
            DeadlineBody => DeadlineBodyRequest(r),
            Query => QueryRequest(r),
            _ => ReferenceRequest(r, index),
        };
    }

    // ----- Files: uploads and validate-only -----

    static readonly (string Op, int Weight)[] FileOps =
    [
        ("none", 3), ("flip", 14), ("truncate", 8), ("insert", 8), ("invalid-utf8", 9), ("lone-surrogate", 7), ("long-code", 2),
        ("edit-token", 12), ("repeat-line", 4), ("splice", 4), ("zip-directory", 6), ("zip-sizes", 6), ("xml-edit", 12), ("row-bomb", 1),
        ("many-rows", 2), ("content-type", 2),
    ];

    LoadRequest FileRequest(Random r, string cls)
    {
        var op = Pick(r, FileOps);
        var (body, type) = MutateFile(r, op);
        var member = r.Next(100) < 85 ? LoadTarget.Member : null;
        var token = member is null ? tokens.Staff : tokens.Member(member);
        var path = Api.MemberPath(setUp.CycleId, LoadTarget.Member, cls == Upload ? Api.Submissions : Api.Validate);
        return new LoadRequest(cls, op, HttpMethod.Post, path, "Bearer " + token, body, type);
    }

    /// <summary>A mutated seed file and the content type it is sent with.</summary>
    public (byte[] Body, string ContentType) MutateFile(Random r, string op)
    {
        var xlsx = setUp.Seeds.Where(s => s.Format == Seed.Xlsx).ToArray();
        var text = setUp.Seeds.Where(s => s.Format != Seed.Xlsx).ToArray();
        var json = setUp.Seeds.Where(s => s.Format == Seed.Json).ToArray();
        Seed From(Seed[] seeds) => seeds[r.Next(seeds.Length)];
        var any = From([.. setUp.Seeds]);
        switch (op)
        {
            case "flip": return (Mutations.FlipBits(r, any.Bytes), any.ContentType);
            case "truncate": return (Mutations.Truncate(r, any.Bytes), any.ContentType);
            case "insert": return (Mutations.InsertRandom(r, any.Bytes), any.ContentType);
            case "invalid-utf8":
                {
                    var s = From(text);
                    return (Mutations.InsertInvalidUtf8(r, s.Bytes), s.ContentType);
                }

            case "lone-surrogate":
                {
                    var s = From(json);
                    return (Mutations.InsertLoneSurrogate(r, s.Bytes), s.ContentType);
                }

            case "long-code":
                {
                    var s = From(text);
                    return (Mutations.LongCode(r, s.Bytes, s.Format), s.ContentType);
                }

            case "edit-token":
                {
                    var s = From(text);
                    return (Mutations.EditToken(r, s.Bytes), s.Format == Seed.Csv ? Mutations.CsvContentType(r) : s.ContentType);
                }

            case "repeat-line":
                {
                    var s = From(text);
                    return (Mutations.RepeatLine(r, s.Bytes), s.ContentType);
                }

            case "splice":
                {
                    var a = From(text);
                    var b = From(text);
                    return (Mutations.Splice(r, a.Bytes, b.Bytes), a.ContentType);
                }

            case "zip-directory": return (Mutations.DamageCentralDirectory(r, From(xlsx).Bytes), Seed.XlsxType);
            case "zip-sizes": return (Mutations.WrongSizes(r, From(xlsx).Bytes), Seed.XlsxType);
            case "xml-edit": return (Mutations.EditPart(r, From(xlsx).Bytes), Seed.XlsxType);
            case "row-bomb": return (Mutations.RowBomb(setUp.Template, r.Next(1_000_000, 6_300_001)), Seed.XlsxType);
            case "many-rows":
                {
                    var format = r.Next(2) == 0 ? Seed.Csv : Seed.Json;
                    return (Mutations.ManyRows(r, format, r.Next(5_000, 60_001), setUp.ReportingYear), format == Seed.Csv ? Seed.CsvType : Seed.JsonType);
                }

            case "content-type":
                {
                    string[] types = [.. OddContentTypes, Seed.CsvType, Seed.JsonType, Seed.XlsxType];
                    return (any.Bytes, types[r.Next(types.Length)]);
                }

            default: return (any.Bytes, any.ContentType);
        }
    }

    // ----- Odd route values -----

    LoadRequest RouteRequest(Random r, int index)
    {
        var c = CycleValues[r.Next(CycleValues.Length)];
        var m = MemberValues[r.Next(MemberValues.Length)];
        var id = SubmissionIds[r.Next(SubmissionIds.Length)];
        var roll = r.Next(100);
        var token = roll < 50 ? tokens.Staff
            : roll < 75 ? tokens.Member(LoadTarget.Member)
            : roll < 85 ? tokens.Member("ken")
            : tokens.Member(Uri.UnescapeDataString(m));
        var csv = setUp.Seeds.First(s => s.Format == Seed.Csv).Bytes;
        var (op, method, path, body) = r.Next(12) switch
        {
            0 => ("cycle", HttpMethod.Get, Api.Cycle(c), null),
            1 => ("template", HttpMethod.Get, Api.MemberPath(c, m, Api.Template), null),
            2 => ("list", HttpMethod.Get, Api.MemberPath(c, m, Api.Submissions), null),
            3 => ("submission", HttpMethod.Get, Api.MemberPath(c, m, $"{Api.Submissions}/{id}"), null),
            4 => ("validate", HttpMethod.Post, Api.MemberPath(c, m, Api.Validate), csv),
            5 => ("upload", HttpMethod.Post, Api.MemberPath(c, m, Api.Submissions), csv),
            6 => ("catalogue", HttpMethod.Get, Api.Cycle(c, "catalogue"), null),
            7 => ("benchmarks", HttpMethod.Get, Api.Cycle(c, "benchmarks"), null),
            8 => ("deadline", HttpMethod.Post, Api.Cycle(c, "deadline"), Utf8.GetBytes($$"""{"deadline":"{{FarDeadline}}"}""")),
            9 => ("close", HttpMethod.Post, Api.Cycle(CloseValues[r.Next(CloseValues.Length)], "close"), null),
            10 => ("version", HttpMethod.Get, $"{(r.Next(2) == 0 ? Api.Catalogues : Api.Members)}/{VersionValues[r.Next(VersionValues.Length)]}", null),
            _ => ("unknown", HttpMethod.Get, new[]
            {
                $"{Api.Prefix}{m}",
                Api.MemberPath(c, m, $"{Api.Submissions}/{id}/x"),
                $"{Api.Prefix}../host.json",
                $"{Api.Prefix}%2E%2E/local.settings.json",
                $"{Api.Prefix}/cycles",
                $"{Api.Cycles}//members",
                $"{Api.Cycles}/{index}?{Long('q', 3000)}",
            }[r.Next(7)], null),
        };
        return new LoadRequest(Route, op, method, path, "Bearer " + token, (byte[]?)body, body is null ? null : method == HttpMethod.Post && op == "deadline" ? Seed.JsonType : Seed.CsvType);
    }

    // ----- Tokens -----

    static readonly object[] MemberClaims = ["ken", "Ken", "KEN\n", "", " KEN", "KEN ", Long('K', 10_000), "КЕН", "KEN\u200b", 123, new[] { "KEN", "FRA" }, new Dictionary<string, object> { ["code"] = "KEN" }, true, "FRA", "ZZZ"];

    LoadRequest TokenRequest(Random r)
    {
        var member = r.Next(3) switch
        {
            0 => "ken",
            1 => "Ken",
            _ => LoadTarget.Member,
        };
        var csv = setUp.Seeds.First(s => s.Format == Seed.Csv).Bytes;
        var (method, path, body, type) = r.Next(6) switch
        {
            0 => (HttpMethod.Get, Api.Cycle(setUp.CycleId), null, null),
            1 => (HttpMethod.Get, Api.MemberPath(setUp.CycleId, member, Api.Template), null, null),
            2 => (HttpMethod.Post, Api.MemberPath(setUp.CycleId, member, Api.Validate), csv, Seed.CsvType),
            3 => (HttpMethod.Get, Api.Cycle(setUp.CycleId, "benchmarks"), null, null),
            4 => (HttpMethod.Get, Api.MemberPath(setUp.CycleId, member, Api.Submissions), null, null),
            _ => (HttpMethod.Post, Api.Cycles, Utf8.GetBytes($$"""{"cycleId":"{{setUp.CycleId}}","reportingYear":2025,"deadline":"{{FarDeadline}}"}"""), Seed.JsonType),
        };

        var valid = tokens.Member(LoadTarget.Member);
        string[] ops =
        [
            "none", "empty-bearer", "bearer-space", "lowercase-scheme", "basic", "garbage", "three-dots", "truncated", "flipped-signature",
            "swapped-payload", "alg-none", "expired", "not-yet-valid", "wrong-key", "wrong-issuer", "wrong-audience", "no-roles", "roles-string",
            "roles-lowercase", "roles-many", "member-without-claim", "member-claim", "member-claim", "member-claim", "huge-token", "staff-as-member",
        ];
        var op = ops[r.Next(ops.Length)];
        var header = op switch
        {
            "none" => null,
            "empty-bearer" => "Bearer",
            "bearer-space" => "Bearer ",
            "lowercase-scheme" => "bearer " + valid,
            "basic" => "Basic dXNlcjpwYXNz",
            "garbage" => "Bearer " + RandomAscii(r, r.Next(1, 500)),
            "three-dots" => "Bearer a.b.c",
            "truncated" => "Bearer " + valid[..r.Next(valid.Length)],
            "flipped-signature" => "Bearer " + valid[..^3] + (valid[^3] == 'A' ? 'B' : 'A') + valid[^2..],
            "swapped-payload" => "Bearer " + Swap(valid, tokens.Staff),
            "alg-none" => "Bearer " + AlgNone(valid),
            "expired" => "Bearer " + tokens.Mint(AppRoles.Member, LoadTarget.Member, validFrom: TimeSpan.FromHours(-3), lifetime: TimeSpan.FromHours(1)),
            "not-yet-valid" => "Bearer " + tokens.Mint(AppRoles.Staff, validFrom: TimeSpan.FromHours(2)),
            "wrong-key" => "Bearer " + tokens.Mint(AppRoles.Staff, wrongKey: true),
            "wrong-issuer" => "Bearer " + tokens.Mint(AppRoles.Staff, issuer: "https://evil.example/"),
            "wrong-audience" => "Bearer " + tokens.Mint(AppRoles.Staff, audience: "api://other"),
            "no-roles" => "Bearer " + tokens.Mint(null, LoadTarget.Member),
            "roles-string" => "Bearer " + tokens.Mint(null, roles: AppRoles.Staff),
            "roles-lowercase" => "Bearer " + tokens.Mint(null, roles: new[] { "staff" }),
            "roles-many" => "Bearer " + tokens.Mint(null, "FRA", roles: new[] { AppRoles.Member, AppRoles.Reader, AppRoles.Staff }),
            "member-without-claim" => "Bearer " + tokens.Mint(AppRoles.Member),
            "huge-token" => "Bearer " + RandomAscii(r, r.Next(20_000, 100_000)),
            "staff-as-member" => "Bearer " + tokens.Mint(AppRoles.Staff, MemberClaims[r.Next(MemberClaims.Length)]),
            _ => "Bearer " + tokens.Mint(AppRoles.Member, MemberClaims[r.Next(MemberClaims.Length)]),
        };
        return new LoadRequest(Token, op, method, path, header, body, type);
    }

    static string Swap(string token, string other)
    {
        var a = token.Split('.');
        var b = other.Split('.');
        return $"{a[0]}.{b[1]}.{a[2]}";
    }

    static string AlgNone(string token)
    {
        var header = Convert.ToBase64String("{\"alg\":\"none\",\"typ\":\"JWT\"}"u8).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"{header}.{token.Split('.')[1]}.";
    }

    // ----- JSON bodies of POST /cycles and /deadline -----

    static readonly object?[] OddCycleIds = ["abc\n", "abc\r\n", " abc", "", "a/b", "..", "a#b", "a?b", "a\\b", "\0", "цикл", "fuzz", "FUZZ", "x", Long('c', 300), 5, null, Array.Empty<int>(), true];
    static readonly object?[] OddYears = [-1, 0, 1000, 10000, 99999, 2.5, "2025", null, 2147483648L, -2147483649L, true, 1e300];
    static readonly object?[] OddDeadlines = ["", "nope", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "2020-01-01T00:00:00Z", 5, null, "2027-02-30T00:00:00Z", "2027-01-01", "2027-01-01T00:00:00+99:00", Long('9', 3000), "2031-01-01T00:00:00Z", "2031-01-01T00:00:00.0000000000001Z"];
    static readonly object?[] OddVersions = ["../x", "2026.1\n", "", Long('v', 1000), 5, null, "2026.1", "nope", "%2E%2E", "2026.1 "];

    LoadRequest CycleBodyRequest(Random r, int index)
    {
        var fields = new Dictionary<string, object?> { ["cycleId"] = $"fz-{index}", ["reportingYear"] = setUp.ReportingYear, ["deadline"] = FarDeadline };
        var (op, body) = JsonBody(r, fields, () =>
        {
            switch (r.Next(4))
            {
                case 0: fields["cycleId"] = OddCycleIds[r.Next(OddCycleIds.Length)]; return "field-cycleId";
                case 1: fields["reportingYear"] = OddYears[r.Next(OddYears.Length)]; return "field-reportingYear";
                case 2: fields["deadline"] = OddDeadlines[r.Next(OddDeadlines.Length)]; return "field-deadline";
                default: fields[r.Next(2) == 0 ? "catalogueVersion" : "membersVersion"] = OddVersions[r.Next(OddVersions.Length)]; return "field-version";
            }
        });
        return new LoadRequest(CycleBody, op, HttpMethod.Post, Api.Cycles, "Bearer " + tokens.Staff, body, ContentTypeFor(r, op));
    }

    LoadRequest DeadlineBodyRequest(Random r)
    {
        var fields = new Dictionary<string, object?> { ["deadline"] = FarDeadline };
        var (op, body) = JsonBody(r, fields, () =>
        {
            fields["deadline"] = OddDeadlines[r.Next(OddDeadlines.Length)];
            return "field-deadline";
        });
        var cycle = r.Next(5) == 0 ? CycleValues[r.Next(CycleValues.Length)] : setUp.DeadlineCycleId;
        return new LoadRequest(DeadlineBody, op, HttpMethod.Post, Api.Cycle(cycle, "deadline"), "Bearer " + tokens.Staff, body, ContentTypeFor(r, op));
    }

    static string ContentTypeFor(Random r, string op) => op == "content-type" ? OddContentTypes[r.Next(OddContentTypes.Length)] : Seed.JsonType;

    /// <summary>A JSON body: a field made odd, or the bytes damaged, or not an object at all, or very deep, or 30 MB.</summary>
    static (string Op, byte[] Body) JsonBody(Random r, Dictionary<string, object?> fields, Func<string> oddField)
    {
        byte[] Serialize() => JsonSerializer.SerializeToUtf8Bytes(fields, Compact);
        var roll = r.Next(100);
        if (roll < 45)
        {
            var op = oddField();
            return (op, Serialize());
        }

        if (roll < 50)
        {
            fields["unexpected"] = new[] { 1, 2, 3 };
            var text = Utf8.GetString(Serialize());
            return ("extra-fields", Utf8.GetBytes(text.Insert(1, "\"cycleId\":\"dup\",\"deadline\":\"dup\",")));
        }

        if (roll < 58)
        {
            return ("flip", Mutations.FlipBits(r, Serialize()));
        }

        if (roll < 64)
        {
            return ("truncate", Mutations.Truncate(r, Serialize()));
        }

        if (roll < 70)
        {
            return ("invalid-utf8", Mutations.InsertInvalidUtf8(r, Serialize()));
        }

        if (roll < 76)
        {
            return ("lone-surrogate", Mutations.InsertLoneSurrogate(r, Serialize()));
        }

        if (roll < 84)
        {
            string[] notObjects = ["", "[]", "null", "5", "\"x\"", "{}", "{", "}", "[{}]", "true", "\uFEFF", "{\"a\":1,}", "/* */ {}", "{\"cycleId\" \"x\"}"];
            return ("not-an-object", Utf8.GetBytes(notObjects[r.Next(notObjects.Length)]));
        }

        if (roll < 88)
        {
            var depth = r.Next(2) == 0 ? 65 : 100_000;
            return ("deep", Utf8.GetBytes(new string('[', depth) + new string(']', depth)));
        }

        if (roll < 92)
        {
            return ("bom", [0xEF, 0xBB, 0xBF, .. Serialize()]);
        }

        if (roll < 97)
        {
            return ("content-type", Serialize());
        }

        // Bigger than any limit a JSON body should have: padding or one long string.
        var prefix = Serialize();
        return r.Next(2) == 0
            ? ("huge-body", [.. prefix.AsSpan(0, prefix.Length - 1), .. Utf8.GetBytes(",\"pad\":\"" + new string('x', ThirtyMegabytes) + "\"}")])
            : ("huge-body", [.. Enumerable.Repeat((byte)' ', ThirtyMegabytes), .. prefix]);
    }

    // ----- Query strings -----

    LoadRequest QueryRequest(Random r)
    {
        var status = StatusValues[r.Next(StatusValues.Length)];
        var audience = AudienceValues[r.Next(AudienceValues.Length)];
        var (op, path) = r.Next(6) switch
        {
            0 => ("status", $"{Api.Cycle(setUp.CycleId, "benchmarks")}?status={status}"),
            1 => ("audience", $"{Api.Cycle(setUp.CycleId, "benchmarks")}?audience={audience}"),
            2 => ("both", $"{Api.Cycle(setUp.CycleId, "benchmarks")}?status={status}&audience={audience}"),
            3 => ("repeated", $"{Api.Cycle(setUp.CycleId, "benchmarks")}?status=final&status=provisional&audience=public&audience={audience}"),
            4 => ("cycles", $"{Api.Cycles}?status={status}"),
            _ => ("submissions", $"{Api.MemberPath(setUp.CycleId, LoadTarget.Member, Api.Submissions)}?status={status}&audience={audience}"),
        };
        var roll = r.Next(3);
        var token = roll == 0 ? tokens.Staff : roll == 1 ? tokens.Reader : tokens.Member(LoadTarget.Member);
        return new LoadRequest(Query, op, HttpMethod.Get, path, "Bearer " + token, null, null);
    }

    // ----- Reference versions (catalogues, Members sets) -----

    static readonly string[] OddCodes = ["A/B", "A#B", "", " ", "ESA", "ESA", "high", Long('Z', 5000), "\n", "ÉSA", "../x", "?"];

    LoadRequest ReferenceRequest(Random r, int index)
    {
        var members = r.Next(2) == 0;
        var wire = r.Next(3) == 0 ? VersionValues[r.Next(VersionValues.Length)] : $"fz-{index}";
        var version = Uri.UnescapeDataString(wire);
        var document = JsonNode.Parse(members ? setUp.MembersDocument : setUp.CatalogueDocument)!.AsObject();
        document["version"] = version;
        string op;
        byte[] body;
        switch (r.Next(6))
        {
            case 0:
                op = "version-only";
                body = Utf8.GetBytes(new JsonObject { ["version"] = version }.ToJsonString(Compact));
                break;
            case 1:
                op = "odd-code";
                ReplaceRandomString(r, document);
                body = Utf8.GetBytes(document.ToJsonString(Compact));
                break;
            case 2:
                op = "flip";
                body = Mutations.FlipBits(r, Utf8.GetBytes(document.ToJsonString(Compact)));
                break;
            case 3:
                op = "truncate";
                body = Mutations.Truncate(r, Utf8.GetBytes(document.ToJsonString(Compact)));
                break;
            case 4:
                op = "invalid-utf8";
                body = Mutations.InsertInvalidUtf8(r, Utf8.GetBytes(document.ToJsonString(Compact)));
                break;
            default:
                op = "as-published";
                body = Utf8.GetBytes(document.ToJsonString(Compact));
                break;
        }

        var roll = r.Next(10);
        var token = roll < 8 ? tokens.Staff : roll == 8 ? tokens.Member(LoadTarget.Member) : tokens.Reader;
        return new LoadRequest(Reference, op, HttpMethod.Put, $"{(members ? Api.Members : Api.Catalogues)}/{wire}", "Bearer " + token, body, Seed.JsonType);
    }

    static void ReplaceRandomString(Random r, JsonNode root)
    {
        var strings = new List<JsonValue>();
        void Walk(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (_, child) in o)
                    {
                        Walk(child);
                    }

                    break;
                case JsonArray a:
                    foreach (var child in a)
                    {
                        Walk(child);
                    }

                    break;
                case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                    strings.Add(v);
                    break;
            }
        }

        Walk(root);
        if (strings.Count > 0)
        {
            strings[r.Next(strings.Count)].ReplaceWith(OddCodes[r.Next(OddCodes.Length)]);
        }
    }

    /// <summary>
    /// A seed for request <paramref name="index"/> (SplitMix64 of seed and index): System.Random's first outputs for
    /// neighbouring seeds are correlated, which made every 17th request the same kind.
    /// </summary>
    static int Mix(int seed, int index)
    {
        var z = unchecked(((ulong)(uint)seed << 32 | (uint)index) + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)(z ^ (z >> 31));
    }

    static T Pick<T>(Random r, (T Value, int Weight)[] choices)
    {
        var roll = r.Next(choices.Sum(c => c.Weight));
        foreach (var (value, weight) in choices)
        {
            if ((roll -= weight) < 0)
            {
                return value;
            }
        }

        return choices[^1].Value;
    }

    static string RandomAscii(Random r, int length)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
        return string.Create(length, r, (span, rnd) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[rnd.Next(alphabet.Length)];
            }
        });
    }

    static string Long(char c, int length) => new(c, length);

    public static string Format(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
