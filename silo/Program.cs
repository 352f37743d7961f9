using Microsoft.Extensions.Hosting;
using STADNet.Silo;

var builder = Host.CreateApplicationBuilder(args);
var options = builder.Configuration.ReadSiloOptions();
builder.UseOrleans(silo => silo.UseStadnetClustering(options).AddStadnet(builder.Configuration, options));
await builder.Build().RunAsync();
