namespace FaceMask.WebFront.Api;

/// <summary>Reads one required text field of a form, refusing absent, repeated or oversized values.</summary>
public static class FormFields
{
    private const int MaxLength = 1024;

    public static (string? Value, string? Problem) Single(IFormCollection form, string name)
    {
        if (!form.TryGetValue(name, out var values) || values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            return (null, $"Bad Request - The {name} field is required");
        }

        if (values.Count > 1)
        {
            return (null, $"Bad Request - Send the {name} field once");
        }

        return values[0]!.Length > MaxLength
            ? (null, $"Bad Request - The {name} field is too long")
            : (values[0], null);
    }
}
