using System.Xml.Linq;
using FaceMask.WebFront.Storage;
using Microsoft.AspNetCore.DataProtection.Repositories;
using MySqlConnector;

namespace FaceMask.WebFront.DataProtection;

/// <summary>
/// The Data Protection key ring in the app database (table data_protection_keys, created with the app
/// schema), so that every WebFront on the database reads and writes the same keys. Keys are only ever added:
/// a revocation is a new element too.
/// </summary>
/// <remarks>IXmlRepository is synchronous; ASP.NET calls it rarely (start-up, a key roll-over, a refresh).</remarks>
public sealed class MySqlXmlRepository(MySqlDatabase database, TimeProvider time) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = database.Open();
        using var command = new MySqlCommand("SELECT xml FROM data_protection_keys ORDER BY id;", connection);
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read())
        {
            elements.Add(XElement.Parse(reader.GetString(0)));
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var connection = database.Open();
        using var command = new MySqlCommand(
            "INSERT INTO data_protection_keys (friendly_name, xml, created_at) VALUES (@name, @xml, @created);", connection);
        command.Parameters.AddWithValue("@name", friendlyName);
        command.Parameters.AddWithValue("@xml", element.ToString(SaveOptions.DisableFormatting));
        command.Parameters.AddWithValue("@created", MySqlDatabase.ToStored(time.GetUtcNow()));
        command.ExecuteNonQuery();
    }
}
