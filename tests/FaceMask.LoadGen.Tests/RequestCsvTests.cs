using System.Globalization;
using FaceMask.LoadGen.Reporting;
using FaceMask.LoadGen.Running;

namespace FaceMask.LoadGen.Tests;

public sealed class RequestCsvTests
{
    private static readonly RequestRecord Answered = new(
        3, "a.png", TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(151.25), TimeSpan.FromMilliseconds(190.5),
        RequestOutcome.Ok, 200, 12345, 321, null);

    [Fact]
    public void AnsweredRequestHasEveryColumnInMilliseconds()
    {
        Assert.Equal("3,a.png,150.000,151.250,190.500,ok,200,39.250,12345,321,", RequestCsv.Row(Answered));
    }

    [Fact]
    public void DroppedRequestHasNoStartEndOrLatency()
    {
        var dropped = new RequestRecord(4, "b.jpg", TimeSpan.FromSeconds(2), null, null, RequestOutcome.Dropped, 0, 0, 0, "64 requests already in flight");

        Assert.Equal("4,b.jpg,2000.000,,,dropped,,,0,0,64 requests already in flight", RequestCsv.Row(dropped));
    }

    [Fact]
    public void FieldsWithCommasQuotesOrLineBreaksAreQuoted()
    {
        var failed = Answered with { Outcome = RequestOutcome.HttpError, Status = 400, Error = "Bad \"Image\", line\nbreak", Image = "x,y.png" };

        var row = RequestCsv.Row(failed);

        Assert.Equal("3,\"x,y.png\",150.000,151.250,190.500,http_error,400,39.250,12345,321,\"Bad \"\"Image\"\", line\nbreak\"", row);
    }

    [Fact]
    public void NumbersUseInvariantCultureWhateverTheCurrentOne()
    {
        var before = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            Assert.StartsWith("3,a.png,150.000,151.250", RequestCsv.Row(Answered));
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }

    [Fact]
    public void FileHasTheHeaderAndOneLinePerRecordAndNoTemporaryLeftOver()
    {
        var folder = Directory.CreateTempSubdirectory("loadgen-csv-").FullName;
        try
        {
            var path = Path.Combine(folder, "sub", "run.csv");

            RequestCsv.WriteFile(path, [Answered, Answered with { Index = 4 }]);

            var lines = File.ReadAllLines(path);
            Assert.Equal(RequestCsv.Header, lines[0]);
            Assert.Equal(3, lines.Length);
            Assert.StartsWith("4,", lines[2]);
            Assert.Equal(11, RequestCsv.Header.Split(',').Length);
            Assert.Equal(11, lines[1].Split(',').Length);
            Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
