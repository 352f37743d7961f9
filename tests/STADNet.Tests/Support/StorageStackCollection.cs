namespace STADNet.Tests.Support;

[CollectionDefinition(Name)]
public sealed class StorageStackCollection : ICollectionFixture<StorageStack>
{
    public const string Name = "redis-azurite";
}
