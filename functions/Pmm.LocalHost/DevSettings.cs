using System.Text.Json;
using System.Text.Json.Nodes;
using Pmm.Functions.Auth;

namespace Pmm.LocalHost;

/// <summary>Creates the git-ignored local.settings.json from the committed sample, with a freshly generated development signing key.</summary>
static class DevSettings
{
    public const string SigningKeySetting = "Pmm__Auth__SigningKey";

    public static bool EnsureLocalSettings(string appRoot)
    {
        var target = Path.Combine(appRoot, "local.settings.json");
        if (File.Exists(target))
        {
            return false;
        }

        var sample = Path.Combine(appRoot, "local.settings.sample.json");
        var doc = JsonNode.Parse(File.ReadAllText(sample), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!.AsObject();
        doc["Values"]![SigningKeySetting] = DevelopmentTokens.NewSigningKey();
        File.WriteAllText(target, doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return true;
    }
}
