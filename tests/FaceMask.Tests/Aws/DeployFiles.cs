using System.Text.Json;

namespace FaceMask.Tests.Aws;

/// <summary>The repository's deploy/ folder, found above the test's build output.</summary>
public static class DeployFiles
{
    public static string Path(params string[] parts)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(folder.FullName, "FaceMask.sln")))
            {
                return System.IO.Path.Combine([folder.FullName, "deploy", .. parts]);
            }
        }

        throw new InvalidOperationException("FaceMask.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Every action the IAM policy allows.</summary>
    public static IReadOnlySet<string> PolicyActions()
    {
        using var policy = JsonDocument.Parse(File.ReadAllText(Path("iam", "facemask-worker-policy.json")));
        var actions = new HashSet<string>(StringComparer.Ordinal);
        foreach (var statement in policy.RootElement.GetProperty("Statement").EnumerateArray())
        {
            Assert.Equal("Allow", statement.GetProperty("Effect").GetString());
            var action = statement.GetProperty("Action");
            if (action.ValueKind == JsonValueKind.String)
            {
                actions.Add(action.GetString()!);
            }
            else
            {
                actions.UnionWith(action.EnumerateArray().Select(a => a.GetString()!));
            }
        }

        return actions;
    }
}
