using System.Runtime.CompilerServices;

// The /proc readers are tested directly; they are not an API.
[assembly: InternalsVisibleTo("FaceMask.Tests")]
